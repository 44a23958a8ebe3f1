namespace FourM.Model.Embeddings;

/// <summary>
/// The embedding adapters' input checks for callers that hold the inputs as host arrays: the same rules and messages as
/// <see cref="EmbeddingChecks"/> and the position check of sequences, without reading anything back from the device (each
/// device check is a host sync, which on a GPU stalls the host until every queued kernel has run).
/// </summary>
public static class HostInputChecks
{
    /// <summary>Every id within [0, <paramref name="vocabSize"/>).</summary>
    public static void TokenIds(ReadOnlySpan<long> ids, long vocabSize, string modality)
    {
        if (OutOfVocabulary(ids, vocabSize) is var (min, max))
            throw new ArgumentException($"modality '{modality}': {VocabularyRule(vocabSize, min, max)}");
    }

    /// <summary>The ids' range when some id lies outside [0, <paramref name="vocabSize"/>); null when all fit (or there are none).</summary>
    public static (long Min, long Max)? OutOfVocabulary(ReadOnlySpan<long> ids, long vocabSize)
    {
        if (ids.IsEmpty) return null;
        long min = long.MaxValue, max = long.MinValue;
        foreach (var id in ids)
        {
            if (id < min) min = id;
            if (id > max) max = id;
        }
        return min < 0 || max >= vocabSize ? (min, max) : null;
    }

    /// <summary>The broken rule as the model's checks word it.</summary>
    public static string VocabularyRule(long vocabSize, long min, long max) => $"token ids must lie in [0, {vocabSize}), found [{min}, {max}]";

    /// <summary>
    /// Sequences: the valid tokens of every row (mask false) fit the position table's <paramref name="positionRows"/>. With
    /// <paramref name="maxLength"/> (the decoder rule: positions at or beyond it use row 0), only the first that many count.
    /// </summary>
    public static void PositionCount(ReadOnlySpan<bool> mask, int batch, long positionRows, string modality, long? maxLength = null)
    {
        if (batch == 0 || mask.IsEmpty) return;
        int length = mask.Length / batch;
        for (int b = 0; b < batch; b++)
        {
            long valid = 0;
            foreach (var blocked in mask.Slice(b * length, length)) if (!blocked) valid++;
            if (maxLength is { } limit) valid = Math.Min(valid, limit);
            if (valid > positionRows)
                throw new ArgumentException($"modality '{modality}': {valid} valid tokens exceed the {positionRows} positions of its embedding table");
        }
    }

    /// <summary>
    /// Runs <paramref name="embed"/> with the adapter's device-side checks off (the caller checked on the host), on this thread
    /// only: <see cref="ModalityEmbeddingBase.ValidateInputs"/> is left alone, so another thread using the same model at the
    /// same time keeps its checks.
    /// </summary>
    public static T WithoutDeviceChecks<T>(ModalityEmbeddingBase embedding, Func<T> embed)
    {
        var hostChecked = _hostChecked ??= new List<ModalityEmbeddingBase>();
        hostChecked.Add(embedding);
        try { return embed(); }
        finally { hostChecked.RemoveAt(hostChecked.Count - 1); }
    }

    /// <summary>True while this thread runs <paramref name="embedding"/> inside <see cref="WithoutDeviceChecks"/>.</summary>
    internal static bool IsHostChecked(ModalityEmbeddingBase embedding)
    {
        if (_hostChecked is not { Count: > 0 } hostChecked) return false;
        foreach (var e in hostChecked) if (ReferenceEquals(e, embedding)) return true;
        return false;
    }

    [ThreadStatic] private static List<ModalityEmbeddingBase>? _hostChecked;
}
