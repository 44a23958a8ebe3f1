using System.Text;

namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// The <c>det</c> sequence format (<c>DetectionTransform.convert_bboxes_to_string</c>, <c>convert_string_to_bboxes</c>):
/// per box <c>v0=round(xmin·999) v1=round(ymin·999) v2=round(xmax·999) v3=round(ymax·999) class name</c>.
/// </summary>
public static class DetectionCodec
{
    public const string Modality = "det";
    /// <summary>Score threshold the reference applies before encoding training targets.</summary>
    public const double ReferenceScoreThreshold = 0.6;

    /// <summary>
    /// Encodes boxes with at least <paramref name="minScore"/>, ordered by <paramref name="order"/> (stable, like Python's
    /// <c>sorted</c>). Coordinates must lie in [0, 1]; class names must be non-empty words without '='.
    /// </summary>
    public static string Encode(IEnumerable<DetectionBox> boxes, DetectionOrder order = DetectionOrder.DistanceToOrigin, double minScore = double.NegativeInfinity)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        var kept = boxes.Where(b => b.Score >= minScore).ToList();
        foreach (var box in kept) Validate(box);
        IEnumerable<DetectionBox> ordered = order switch
        {
            DetectionOrder.DistanceToOrigin => kept.OrderBy(b => b.XMin * b.XMin + b.YMin * b.YMin),
            DetectionOrder.Area => kept.OrderByDescending(b => (b.XMax - b.XMin) * (b.YMax - b.YMin)),
            DetectionOrder.Score => kept.OrderByDescending(b => b.Score),
            DetectionOrder.AsGiven => kept,
            _ => throw new ArgumentOutOfRangeException(nameof(order), order, "unknown detection order"),
        };
        var text = new StringBuilder();
        foreach (var box in ordered)
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(new CoordinateToken(0, Bin(box.XMin))).Append(' ')
                .Append(new CoordinateToken(1, Bin(box.YMin))).Append(' ')
                .Append(new CoordinateToken(2, Bin(box.XMax))).Append(' ')
                .Append(new CoordinateToken(3, Bin(box.YMax))).Append(' ')
                .Append(NormalizeClassName(box.ClassName));
        }
        return text.ToString();
    }

    /// <summary>
    /// Decodes a detection string (as <c>decode</c> returns it; [EOS]/[PAD] ignored) into boxes with coordinates
    /// bin/999 and score 1. Strict: each box is v0 v1 v2 v3 then a class name of one or more words.
    /// </summary>
    public static IReadOnlyList<DetectionBox> Decode(string text)
    {
        var words = SequenceWords.Split(text, Modality);
        var boxes = new List<DetectionBox>();
        int i = 0;
        while (i < words.Count)
        {
            int boxIndex = boxes.Count;
            var bins = new int[4];
            for (int axis = 0; axis < 4; axis++, i++)
            {
                string where = $"box {boxIndex}";
                if (i >= words.Count)
                    throw new SequenceFormatException(Modality, $"{where} ends after {axis} coordinate(s); a box needs v0 v1 v2 v3 and a class name");
                if (!CoordinateToken.IsValueWord(words[i]))
                    throw new SequenceFormatException(Modality, axis == 0
                        ? $"{where}: expected v0=… to start a box, got '{words[i]}'"
                        : $"{where} has {axis} coordinate(s) before '{words[i]}'; a box needs v0 v1 v2 v3");
                bins[axis] = CoordinateToken.ParseBin(words[i], axis, Modality, where);
            }
            var name = new List<string>();
            while (i < words.Count && !CoordinateToken.IsValueWord(words[i])) name.Add(words[i++]);
            if (name.Count == 0) throw new SequenceFormatException(Modality, $"box {boxIndex} has no class name after v3");
            boxes.Add(new DetectionBox(bins[0] / (double)CoordinateToken.MaxBin, bins[1] / (double)CoordinateToken.MaxBin,
                bins[2] / (double)CoordinateToken.MaxBin, bins[3] / (double)CoordinateToken.MaxBin, string.Join(' ', name)));
        }
        return boxes;
    }

    /// <summary>
    /// Decodes what can be decoded, like the reference's <c>convert_string_to_bboxes</c>, for model output that may be
    /// malformed: a box is kept only when it has v0 v1 v2 v3 in that order with valid bins and a class name; anything else
    /// (stray words, short or over-long boxes, bad bins, sentinels) is skipped instead of failing the whole string.
    /// </summary>
    public static IReadOnlyList<DetectionBox> DecodeLenient(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var boxes = new List<DetectionBox>();
        var bins = new List<int>(4);
        var name = new List<string>();
        bool valid = false;
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (CoordinateToken.IsValueWord(word))
            {
                if (word.StartsWith("v0=", StringComparison.Ordinal))
                {
                    Flush();
                    bins.Clear();
                    name.Clear();
                    valid = true;
                }
                if (!valid) continue;
                if (name.Count == 0 && CoordinateToken.TryParse(word, out var token) && token.Axis == bins.Count) bins.Add(token.Bin);
                else valid = false;
            }
            else if (valid && bins.Count == 4 && word is not ("[EOS]" or "[PAD]") && !word.StartsWith("[S_", StringComparison.Ordinal))
            {
                name.Add(word);
            }
        }
        Flush();
        return boxes;

        void Flush()
        {
            if (valid && bins.Count == 4 && name.Count > 0)
                boxes.Add(new DetectionBox(bins[0] / (double)CoordinateToken.MaxBin, bins[1] / (double)CoordinateToken.MaxBin,
                    bins[2] / (double)CoordinateToken.MaxBin, bins[3] / (double)CoordinateToken.MaxBin, string.Join(' ', name)));
            valid = false;
        }
    }

    private static int Bin(double coordinate) => SequenceWords.RoundHalfEven(coordinate * CoordinateToken.MaxBin);

    private static void Validate(DetectionBox box)
    {
        Check(box.XMin, nameof(box.XMin));
        Check(box.YMin, nameof(box.YMin));
        Check(box.XMax, nameof(box.XMax));
        Check(box.YMax, nameof(box.YMax));
        if (string.IsNullOrWhiteSpace(box.ClassName) || box.ClassName.Contains('='))
            throw new ArgumentException($"detection class name '{box.ClassName}' must be non-empty and contain no '='");

        static void Check(double value, string name)
        {
            SequenceWords.RequireFinite(value, name);
            if (value is < 0 or > 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be normalised to [0, 1]");
        }
    }

    private static string NormalizeClassName(string name) =>
        string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
