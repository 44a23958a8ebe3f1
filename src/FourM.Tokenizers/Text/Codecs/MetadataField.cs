namespace FourM.Tokenizers.Text.Codecs;

/// <summary>How a metadata field's value becomes a bin (<c>MetadataTransform</c>).</summary>
public enum MetadataBinning
{
    /// <summary>Pixels // 32, clamped to 0..999; decodes to bin·32.</summary>
    ImageDimension,
    /// <summary>An integer clamped to 0..999; decodes to the bin.</summary>
    Integer,
    /// <summary>Clamp to [min, max], scale to [0, 1], <c>int(x·(bins−1))</c>; decodes to <c>(max−min)·bin/bins + min</c>.</summary>
    MinMax,
    /// <summary>Index of the interval among fixed boundaries; decodes to the bin index.</summary>
    Manual,
}

/// <summary>One metadata field: its reference name, its type id (the <c>v1=</c> bin) and its binning.</summary>
public sealed record MetadataField(string Name, int Id, MetadataBinning Binning, double Min = 0, double Max = 0, int Bins = 0,
    IReadOnlyList<double>? Boundaries = null);
