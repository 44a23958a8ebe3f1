using System.Text;

namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// The 4M-21 <c>metadata</c> sequence format (<c>MetadataTransform.metadata_to_string</c>, <c>plotting_utils.decode_metadata</c>):
/// per field <c>v1=&lt;field id&gt; v0=&lt;bin&gt;</c>, in the order given.
/// </summary>
public static class MetadataCodec
{
    public const string Modality = "metadata";

    /// <summary>Every field, by id (the reference's explicit id map).</summary>
    public static IReadOnlyList<MetadataField> Fields { get; } =
    [
        new("original_width", 0, MetadataBinning.ImageDimension),
        new("original_height", 1, MetadataBinning.ImageDimension),
        new("caption_n_chars", 2, MetadataBinning.Integer),
        new("caption_n_words", 3, MetadataBinning.Integer),
        new("caption_n_sentences", 4, MetadataBinning.Integer),
        new("n_humans", 5, MetadataBinning.Integer),
        new("n_sam_instances", 6, MetadataBinning.Integer),
        new("n_coco_instances", 7, MetadataBinning.Integer),
        new("coco_instance_diversity", 8, MetadataBinning.Integer),
        new("colorfulness", 9, MetadataBinning.MinMax, 0, 150, 50),
        new("brightness", 10, MetadataBinning.MinMax, 0, 255, 50),
        new("contrast", 11, MetadataBinning.MinMax, 0, 127, 50),
        new("saturation", 12, MetadataBinning.MinMax, 0, 255, 50),
        new("entropy", 13, MetadataBinning.MinMax, 0, 10, 50),
        new("walkability", 14, MetadataBinning.MinMax, 0, 1, 50),
        new("objectness", 15, MetadataBinning.MinMax, 0, 1, 50),
        new("semantic_diversity", 16, MetadataBinning.Integer),
        new("geometric_complexity", 17, MetadataBinning.MinMax, 0, 0.75, 50),
        new("occlusion_score", 18, MetadataBinning.MinMax, 0, 0.25, 50),
        new("watermark_score", 19, MetadataBinning.Manual, Boundaries: [0.5]),
        new("aesthetic_score", 20, MetadataBinning.Manual, Boundaries: [4.5, 5.5]),
    ];

    private const int ImageDimensionBinSize = 32;
    private static readonly Dictionary<string, MetadataField> ByName = Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
    private static readonly Dictionary<int, MetadataField> ById = Fields.ToDictionary(f => f.Id);

    public static MetadataField Field(string name) =>
        ByName.TryGetValue(name, out var field)
            ? field
            : throw new ArgumentException($"unknown metadata field '{name}'; known fields: {string.Join(", ", Fields.Select(f => f.Name))}", nameof(name));

    /// <summary>The bin a value falls into (the reference's binning, including its clamping).</summary>
    public static int Bin(MetadataField field, double value)
    {
        SequenceWords.RequireFinite(value, field.Name);
        switch (field.Binning)
        {
            case MetadataBinning.ImageDimension:
                return Clamp((long)Math.Floor(value / ImageDimensionBinSize));
            case MetadataBinning.Integer:
                if (value != Math.Floor(value)) throw new ArgumentException($"metadata field '{field.Name}' takes an integer, got {value}");
                return Clamp((long)value);
            case MetadataBinning.MinMax:
                double clamped = Math.Max(field.Min, Math.Min(value, field.Max));
                return (int)((clamped - field.Min) / (field.Max - field.Min) * (field.Bins - 1));
            default:
                int bin = 0;
                foreach (double boundary in field.Boundaries!)
                {
                    if (value < boundary) break;
                    bin++;
                }
                return bin;
        }

        static int Clamp(long v) => (int)Math.Max(0, Math.Min(v, CoordinateToken.MaxBin));
    }

    /// <summary>The value a bin decodes to (see <see cref="MetadataDecoding"/>).</summary>
    public static double Value(MetadataField field, int bin, MetadataDecoding decoding = MetadataDecoding.Reference)
    {
        if (decoding == MetadataDecoding.Reference)
        {
            return field.Binning switch
            {
                MetadataBinning.ImageDimension => bin * ImageDimensionBinSize,
                MetadataBinning.MinMax => (field.Max - field.Min) * (bin / (double)field.Bins) + field.Min,
                _ => bin,
            };
        }
        switch (field.Binning)
        {
            case MetadataBinning.MinMax:
                double centre = field.Min + (bin + 0.5) / (field.Bins - 1) * (field.Max - field.Min);
                return Math.Min(centre, field.Max);
            case MetadataBinning.Manual:
                var b = field.Boundaries!;
                double low = bin == 0 ? b[0] - 1 : b[bin - 1];
                double high = bin == b.Count ? b[^1] + 1 : b[bin];
                return (low + high) / 2;
            default:
                return Value(field, bin);
        }
    }

    /// <summary>Encodes fields in the given order; unknown names and non-integral integer fields are rejected.</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, double>> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var text = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in metadata)
        {
            var field = Field(name);
            if (!seen.Add(name)) throw new ArgumentException($"metadata field '{name}' given twice");
            if (text.Length > 0) text.Append(' ');
            text.Append(new CoordinateToken(1, field.Id)).Append(' ').Append(new CoordinateToken(0, Bin(field, value)));
        }
        return text.ToString();
    }

    /// <summary>Decodes to field name → value, in the reference's field order. Strict: pairs of v1=&lt;known id&gt; v0=&lt;bin&gt;.</summary>
    public static IReadOnlyDictionary<string, double> Decode(string text, MetadataDecoding decoding = MetadataDecoding.Reference)
    {
        var words = SequenceWords.Split(text, Modality);
        var values = new Dictionary<int, double>();
        for (int i = 0; i < words.Count; i += 2)
        {
            string where = $"entry {i / 2}";
            int id = CoordinateToken.ParseBin(words[i], 1, Modality, where + " field id");
            if (!ById.TryGetValue(id, out var field))
                throw new SequenceFormatException(Modality, $"{where}: unknown field id v1={id}; ids are 0..{Fields.Count - 1}");
            if (i + 1 >= words.Count) throw new SequenceFormatException(Modality, $"{where} ({field.Name}) has no v0= value");
            int bin = CoordinateToken.ParseBin(words[i + 1], 0, Modality, $"{where} ({field.Name}) value");
            if (field.Binning == MetadataBinning.Manual && bin > field.Boundaries!.Count)
                throw new SequenceFormatException(Modality, $"{where} ({field.Name}): bin {bin} exceeds its {field.Boundaries.Count + 1} intervals");
            if (field.Binning == MetadataBinning.MinMax && bin >= field.Bins)
                throw new SequenceFormatException(Modality, $"{where} ({field.Name}): bin {bin} outside its 0..{field.Bins - 1}");
            if (!values.TryAdd(id, Value(field, bin, decoding)))
                throw new SequenceFormatException(Modality, $"{where}: field {field.Name} appears twice");
        }
        var ordered = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var field in Fields)
            if (values.TryGetValue(field.Id, out double value)) ordered[field.Name] = value;
        return ordered;
    }
}
