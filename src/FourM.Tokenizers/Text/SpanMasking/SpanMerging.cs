namespace FourM.Tokenizers.Text.SpanMasking;

/// <summary>
/// Span-masking bookkeeping of the reference (<c>fourm/utils/tokenizer/text_tokenizer.py</c>): an input keeps the
/// unmasked tokens and a sentinel per masked span; a decoder output lists each sentinel followed by the span it stands for.
/// </summary>
public static class SpanMerging
{
    /// <summary>
    /// <c>split_by_sentinel</c>: the tokens following each sentinel, up to the next sentinel. Tokens before the first
    /// sentinel go under the key null. A sentinel that occurs twice collects both spans, in order (the reference's
    /// defaultdict appends).
    /// </summary>
    public static IReadOnlyDictionary<int, List<int>> SplitBySentinel(ReadOnlySpan<int> sequence, IReadOnlySet<int> sentinelIds,
        out List<int> beforeFirstSentinel)
    {
        ArgumentNullException.ThrowIfNull(sentinelIds);
        var splits = new Dictionary<int, List<int>>();
        beforeFirstSentinel = new List<int>();
        List<int> current = beforeFirstSentinel;
        foreach (int token in sequence)
        {
            if (sentinelIds.Contains(token))
            {
                if (!splits.TryGetValue(token, out current!)) splits[token] = current = new List<int>();
            }
            else
            {
                current.Add(token);
            }
        }
        return splits;
    }

    /// <summary>
    /// <c>merge_span_masking</c>: replaces each sentinel of <paramref name="input"/> with the tokens that followed the same
    /// sentinel in <paramref name="decoded"/> (nothing when the decoder never produced it); other tokens are kept. Tokens
    /// the decoder produced before its first sentinel are dropped, as in the reference.
    /// </summary>
    public static int[] Merge(ReadOnlySpan<int> input, ReadOnlySpan<int> decoded, IReadOnlySet<int> sentinelIds)
    {
        var splits = SplitBySentinel(decoded, sentinelIds, out _);
        var merged = new List<int>(input.Length + decoded.Length);
        foreach (int token in input)
        {
            if (!sentinelIds.Contains(token)) merged.Add(token);
            else if (splits.TryGetValue(token, out var span)) merged.AddRange(span);
        }
        return merged.ToArray();
    }
}
