using FourM.Tokenizers.Text.SpanMasking;

namespace FourM.Generation.Sequences;

/// <summary>
/// The reference's <c>merge_span_masking</c> on generation's int64 token arrays: every sentinel in the input is replaced by the
/// tokens that followed the same sentinel in the decoded sequence (delegates to the tokenizer's <see cref="SpanMerging"/>).
/// </summary>
public static class SpanMerge
{
    public static long[] Merge(IReadOnlyList<long> input, IReadOnlyList<long> decoded, IReadOnlySet<int> sentinelIds)
    {
        var merged = SpanMerging.Merge(ToIds(input), ToIds(decoded), sentinelIds);
        return merged.Select(x => (long)x).ToArray();
    }

    private static int[] ToIds(IReadOnlyList<long> tokens) =>
        tokens.Select(t => t is >= int.MinValue and <= int.MaxValue ? (int)t : throw new ArgumentOutOfRangeException(nameof(tokens), t, "token id out of range")).ToArray();
}
