namespace FourM.ImageTokenizers.Checkpoints;

/// <summary>What a tolerant load did: tensors loaded, tensors the file lacks, tensors the file has but the model does not use.</summary>
public sealed record LoadReport(string Source, int Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Unused)
{
    public override string ToString() =>
        $"{Source}: {Loaded} tensors loaded"
        + (Missing.Count > 0 ? $"; missing: {string.Join(", ", Missing)}" : "")
        + (Unused.Count > 0 ? $"; unused: {string.Join(", ", Unused)}" : "");
}

/// <summary>A tokenizer checkpoint that cannot be loaded (names the file and the problem).</summary>
public sealed class TokenizerLoadException(string message, Exception? inner = null) : Exception(message, inner);
