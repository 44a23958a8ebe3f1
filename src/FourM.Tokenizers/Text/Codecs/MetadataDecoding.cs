namespace FourM.Tokenizers.Text.Codecs;

/// <summary>Which value a metadata bin decodes to.</summary>
public enum MetadataDecoding
{
    /// <summary>
    /// As <c>plotting_utils.decode_metadata</c>: image dimensions bin·32, integers and manual bins the bin itself, min/max
    /// fields <c>(max−min)·bin/bins + min</c> (it divides by bins although encoding multiplies by bins−1, so values
    /// come out slightly low and do not re-encode to the same bin).
    /// </summary>
    Reference,
    /// <summary>
    /// A value inside the bin that re-encodes to it: min/max fields the bin centre, manual bins the middle of their
    /// interval (open ends one unit past the outer boundary), others as <see cref="Reference"/>.
    /// </summary>
    Representative,
}
