namespace FourM.Generation.Sequences;

/// <summary>
/// The reference's <c>merge_span_masking</c>: every sentinel in the input is replaced by the tokens that followed the same
/// sentinel in the decoded sequence (the decoded sentinels themselves are dropped; a sentinel never decoded vanishes).
/// </summary>
public static class SpanMerge
{
    public static long[] Merge(IReadOnlyList<long> input, IReadOnlyList<long> decoded, Func<long, bool> isSentinel)
    {
        var spans = new Dictionary<long, List<long>>();
        long? current = null;
        var leading = new List<long>();
        foreach (var token in decoded)
        {
            if (isSentinel(token)) { current = token; if (!spans.ContainsKey(token)) spans[token] = new List<long>(); continue; }
            (current is { } s ? spans[s] : leading).Add(token);
        }
        var merged = new List<long>(input.Count + decoded.Count);
        foreach (var token in input)
        {
            if (!isSentinel(token)) merged.Add(token);
            else if (spans.TryGetValue(token, out var span)) merged.AddRange(span);
        }
        return merged.ToArray();
    }
}
