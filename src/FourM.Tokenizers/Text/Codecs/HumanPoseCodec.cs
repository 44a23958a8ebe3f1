using System.Text;

namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// The 4M-21 <c>human_poses</c> format (<c>HumanPoseTransform.convert_humanposes_to_string</c>,
/// <c>visualize_human_poses</c>): per person 39 words, <c>human v0 v1 v2 v3</c> then the blocks
/// <c>pose</c> (8 × v0=i | v1=i−512), <c>global</c> (9 × v0=round(499.5x+499.5)), <c>camera</c>
/// (3 × v0=round(49.95·clip(x,−1,19)+49.95)) and <c>shape</c> (10 × v0=round(166.5x+499.5)) in any order; <c>none</c>
/// when there is nobody.
/// </summary>
public static class HumanPoseCodec
{
    public const string Modality = "human_poses";
    public const string None = "none";
    public const int WordsPerPerson = 39;

    /// <summary>Block order used when none is given: the reference's list order (its identity permutation).</summary>
    public static IReadOnlyList<HumanPoseBlock> DefaultBlockOrder { get; } =
        [HumanPoseBlock.Pose, HumanPoseBlock.Global, HumanPoseBlock.Camera, HumanPoseBlock.Shape];

    public static string Encode(IReadOnlyList<HumanPose> people, IReadOnlyList<HumanPoseBlock>? blockOrder = null)
    {
        ArgumentNullException.ThrowIfNull(people);
        if (people.Count == 0) return None;
        var order = blockOrder ?? DefaultBlockOrder;
        if (order.Count != 4 || order.Distinct().Count() != 4)
            throw new ArgumentException("block order must list pose, global, camera and shape once each", nameof(blockOrder));
        var text = new StringBuilder();
        for (int p = 0; p < people.Count; p++)
        {
            var person = people[p];
            Validate(person, p);
            if (text.Length > 0) text.Append(' ');
            text.Append("human");
            AppendBin(text, 0, Box(person.XMin));
            AppendBin(text, 1, Box(person.YMin));
            AppendBin(text, 2, Box(person.XMax));
            AppendBin(text, 3, Box(person.YMax));
            foreach (var block in order)
            {
                text.Append(' ').Append(Keyword(block));
                switch (block)
                {
                    case HumanPoseBlock.Pose:
                        foreach (int token in person.PoseTokens)
                            AppendBin(text, token < 512 ? 0 : 1, token < 512 ? token : token - 512);
                        break;
                    case HumanPoseBlock.Global:
                        foreach (double x in person.GlobalOrientation) AppendBin(text, 0, CheckedBin(SequenceWords.RoundHalfEven(499.5 * x + 499.5), "global orientation", x));
                        break;
                    case HumanPoseBlock.Camera:
                        foreach (double x in person.Camera) AppendBin(text, 0, SequenceWords.RoundHalfEven(49.95 * Math.Clamp(x, -1.0, 19.0) + 49.95));
                        break;
                    default:
                        foreach (double x in person.Shape) AppendBin(text, 0, CheckedBin(SequenceWords.RoundHalfEven(166.5 * x + 499.5), "shape", x));
                        break;
                }
            }
        }
        return text.ToString();
    }

    /// <summary>Strict: <c>none</c>, or people of exactly 39 words each with every block once (any order).</summary>
    public static IReadOnlyList<HumanPose> Decode(string text)
    {
        var words = SequenceWords.Split(text, Modality);
        if (words.Count == 1 && words[0] == None) return [];
        if (words.Count == 0) throw new SequenceFormatException(Modality, "empty string; expected 'none' or people starting with 'human'");
        var people = new List<HumanPose>();
        int i = 0;
        while (i < words.Count)
        {
            int p = people.Count;
            if (words[i] != "human") throw new SequenceFormatException(Modality, $"person {p}: expected 'human', got '{words[i]}'");
            i++;
            var box = new double[4];
            for (int axis = 0; axis < 4; axis++, i++)
            {
                if (i >= words.Count) throw new SequenceFormatException(Modality, $"person {p}: box ends after {axis} coordinate(s)");
                box[axis] = CoordinateToken.ParseBin(words[i], axis, Modality, $"person {p} box") / (double)CoordinateToken.MaxBin;
            }
            int[]? pose = null;
            double[]? global = null, camera = null, shape = null;
            for (int b = 0; b < 4; b++)
            {
                if (i >= words.Count) throw new SequenceFormatException(Modality, $"person {p} ends after {b} of its 4 blocks (pose, global, camera, shape)");
                string keyword = words[i++];
                string where = $"person {p} {keyword}";
                switch (keyword)
                {
                    case "pose" when pose is null:
                        pose = new int[HumanPose.PoseTokenCount];
                        for (int k = 0; k < pose.Length; k++, i++)
                        {
                            var token = CoordinateToken.Parse(Word(words, i, where, k, pose.Length), Modality, where);
                            pose[k] = token.Axis switch
                            {
                                0 when token.Bin < 512 => token.Bin,
                                1 when token.Bin < 512 => token.Bin + 512,
                                _ => throw new SequenceFormatException(Modality, $"{where}: '{words[i]}' is not a pose token (v0=0..511 or v1=0..511)"),
                            };
                        }
                        break;
                    case "global" when global is null:
                        global = ReadValues(words, ref i, HumanPose.GlobalOrientationCount, where, bin => (bin - 499.5) / 499.5);
                        break;
                    case "camera" when camera is null:
                        camera = ReadValues(words, ref i, HumanPose.CameraCount, where, bin => (bin - 49.95) / 49.95);
                        break;
                    case "shape" when shape is null:
                        shape = ReadValues(words, ref i, HumanPose.ShapeCount, where, bin => (bin - 499.5) / 166.5);
                        break;
                    case "pose" or "global" or "camera" or "shape":
                        throw new SequenceFormatException(Modality, $"person {p}: block '{keyword}' appears twice");
                    default:
                        throw new SequenceFormatException(Modality, $"person {p}: expected a block keyword (pose, global, camera, shape), got '{keyword}'");
                }
            }
            people.Add(new HumanPose(box[0], box[1], box[2], box[3], pose!, global!, camera!, shape!));
        }
        return people;
    }

    private static double[] ReadValues(List<string> words, ref int i, int count, string where, Func<int, double> value)
    {
        var values = new double[count];
        for (int k = 0; k < count; k++, i++)
            values[k] = value(CoordinateToken.ParseBin(Word(words, i, where, k, count), 0, Modality, where));
        return values;
    }

    private static string Word(List<string> words, int i, string where, int k, int count) =>
        i < words.Count && !IsKeyword(words[i])
            ? words[i]
            : throw new SequenceFormatException(Modality, $"{where} has {k} value(s); it needs {count}");

    private static bool IsKeyword(string word) => word is "human" or "pose" or "global" or "camera" or "shape";

    private static string Keyword(HumanPoseBlock block) => block switch
    {
        HumanPoseBlock.Pose => "pose",
        HumanPoseBlock.Global => "global",
        HumanPoseBlock.Camera => "camera",
        _ => "shape",
    };

    private static int Box(double coordinate) => SequenceWords.RoundHalfEven(coordinate * CoordinateToken.MaxBin);

    private static void AppendBin(StringBuilder text, int axis, int bin) => text.Append(' ').Append(new CoordinateToken(axis, bin));

    private static int CheckedBin(int bin, string what, double value) =>
        bin is >= 0 and <= CoordinateToken.MaxBin
            ? bin
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{what} value {value} maps to bin {bin}, outside 0..{CoordinateToken.MaxBin}");

    private static void Validate(HumanPose person, int index)
    {
        string who = $"person {index}";
        foreach (var (value, name) in new[] { (person.XMin, "XMin"), (person.YMin, "YMin"), (person.XMax, "XMax"), (person.YMax, "YMax") })
        {
            SequenceWords.RequireFinite(value, name);
            if (value is < 0 or > 1) throw new ArgumentOutOfRangeException(name, value, $"{who}: box coordinates must be normalised to [0, 1]");
        }
        RequireCount(person.PoseTokens.Count, HumanPose.PoseTokenCount, "pose tokens", who);
        RequireCount(person.GlobalOrientation.Count, HumanPose.GlobalOrientationCount, "global orientation values", who);
        RequireCount(person.Camera.Count, HumanPose.CameraCount, "camera values", who);
        RequireCount(person.Shape.Count, HumanPose.ShapeCount, "shape values", who);
        foreach (int token in person.PoseTokens)
            if (token is < 0 or >= HumanPose.PoseCodebookSize)
                throw new ArgumentOutOfRangeException(nameof(person), token, $"{who}: pose token {token} is outside 0..{HumanPose.PoseCodebookSize - 1}");
        foreach (double v in person.GlobalOrientation.Concat(person.Camera).Concat(person.Shape)) SequenceWords.RequireFinite(v, who);
    }

    private static void RequireCount(int actual, int expected, string what, string who)
    {
        if (actual != expected) throw new ArgumentException($"{who}: needs {expected} {what}, got {actual}");
    }
}
