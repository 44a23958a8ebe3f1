using System.Text;

namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// The 4M-21 <c>sam_instance</c> format (<c>SAMInstanceTokTransform.convert_target_tokens_to_string</c>,
/// <c>plotting_utils.decode_sam_instances</c>): per query point <c>point v0=&lt;y&gt; v1=&lt;x&gt;</c>, then either
/// <c>none</c> or, per instance, <c>polygon v0=xmin v1=ymin v2=xmax v3=ymax</c> and its mask tokens.
/// </summary>
public static class SamInstanceCodec
{
    public const string Modality = "sam_instance";
    public const int ImageSize = 224;

    public static string Encode(IReadOnlyList<SamQueryPoint> points, int maskTokenCount = SamInstance.DefaultMaskTokenCount)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder();
        for (int p = 0; p < points.Count; p++)
        {
            var point = points[p];
            string who = $"point {p}";
            if (text.Length > 0) text.Append(' ');
            text.Append("point ").Append(Coordinate(0, point.Y, who + " y")).Append(' ').Append(Coordinate(1, point.X, who + " x"));
            if (point.Instances.Count == 0)
            {
                text.Append(" none");
                continue;
            }
            for (int k = 0; k < point.Instances.Count; k++)
            {
                var instance = point.Instances[k];
                string where = $"{who} instance {k}";
                if (instance.XMin >= instance.XMax || instance.YMin >= instance.YMax)
                    throw new ArgumentException($"{where}: box must have xmin < xmax and ymin < ymax");
                text.Append(" polygon ")
                    .Append(Coordinate(0, instance.XMin, where)).Append(' ').Append(Coordinate(1, instance.YMin, where)).Append(' ')
                    .Append(Coordinate(2, instance.XMax, where)).Append(' ').Append(Coordinate(3, instance.YMax, where));
                if (instance.MaskTokens.Count != maskTokenCount)
                    throw new ArgumentException($"{where}: needs {maskTokenCount} mask tokens, got {instance.MaskTokens.Count}");
                foreach (int token in instance.MaskTokens)
                {
                    if (token is < 0 or >= SamInstance.MaskCodebookSize)
                        throw new ArgumentOutOfRangeException(nameof(points), token, $"{where}: mask token {token} is outside 0..{SamInstance.MaskCodebookSize - 1}");
                    text.Append(' ').Append(token < 512 ? new CoordinateToken(0, token) : new CoordinateToken(1, token - 512));
                }
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// Strict: every point is <c>point v0 v1</c> followed by <c>none</c> or complete polygons (4 box values with
    /// xmin &lt; xmax, ymin &lt; ymax, then exactly <paramref name="maskTokenCount"/> mask tokens). A bare <c>none</c>
    /// (no query point) decodes to no points.
    /// </summary>
    public static IReadOnlyList<SamQueryPoint> Decode(string text, int maskTokenCount = SamInstance.DefaultMaskTokenCount)
    {
        var words = SequenceWords.Split(text, Modality);
        if (words.Count == 1 && words[0] == "none") return [];
        var points = new List<SamQueryPoint>();
        int i = 0;
        while (i < words.Count)
        {
            int p = points.Count;
            string who = $"point {p}";
            if (words[i] != "point") throw new SequenceFormatException(Modality, $"{who}: expected 'point', got '{words[i]}'");
            if (i + 2 >= words.Count) throw new SequenceFormatException(Modality, $"{who}: needs 'v0=<y> v1=<x>' and then 'none' or polygons");
            int y = CoordinateToken.ParseBin(words[i + 1], 0, Modality, who + " y");
            int x = CoordinateToken.ParseBin(words[i + 2], 1, Modality, who + " x");
            i += 3;
            var instances = new List<SamInstance>();
            if (i < words.Count && words[i] == "none")
            {
                i++;
            }
            else
            {
                while (i < words.Count && words[i] == "polygon")
                {
                    string where = $"{who} polygon {instances.Count}";
                    i++;
                    var box = new int[4];
                    for (int axis = 0; axis < 4; axis++, i++)
                    {
                        if (i >= words.Count || !CoordinateToken.IsValueWord(words[i]))
                            throw new SequenceFormatException(Modality, $"{where} has {axis} box value(s); it needs v0 v1 v2 v3");
                        box[axis] = CoordinateToken.ParseBin(words[i], axis, Modality, where);
                    }
                    if (box[0] >= box[2] || box[1] >= box[3])
                        throw new SequenceFormatException(Modality, $"{where}: box v0={box[0]} v1={box[1]} v2={box[2]} v3={box[3]} needs xmin < xmax and ymin < ymax");
                    var mask = new int[maskTokenCount];
                    for (int k = 0; k < maskTokenCount; k++, i++)
                    {
                        if (i >= words.Count || !CoordinateToken.IsValueWord(words[i]))
                            throw new SequenceFormatException(Modality, $"{where} has {k} mask token(s); it needs {maskTokenCount}");
                        var token = CoordinateToken.Parse(words[i], Modality, where);
                        mask[k] = token.Axis switch
                        {
                            0 when token.Bin < 512 => token.Bin,
                            1 when token.Bin < 512 => token.Bin + 512,
                            _ => throw new SequenceFormatException(Modality, $"{where}: '{words[i]}' is not a mask token (v0=0..511 or v1=0..511)"),
                        };
                    }
                    if (i < words.Count && CoordinateToken.IsValueWord(words[i]))
                        throw new SequenceFormatException(Modality, $"{where} has more than {maskTokenCount} mask tokens");
                    instances.Add(new SamInstance(box[0], box[1], box[2], box[3], mask));
                }
                if (instances.Count == 0)
                    throw new SequenceFormatException(Modality, $"{who}: expected 'none' or 'polygon', got '{(i < words.Count ? words[i] : "end of text")}'");
            }
            points.Add(new SamQueryPoint(x, y, instances));
        }
        return points;
    }

    private static CoordinateToken Coordinate(int axis, int value, string where) =>
        value is >= 0 and <= CoordinateToken.MaxBin
            ? new CoordinateToken(axis, value)
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{where}: pixel coordinate {value} is outside 0..{CoordinateToken.MaxBin}");
}
