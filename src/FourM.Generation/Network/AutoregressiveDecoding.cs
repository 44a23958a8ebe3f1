namespace FourM.Generation.Network;

/// <summary>How the KV-cached decoder of autoregressive targets keeps its self-attention state.</summary>
public enum AutoregressiveDecoding
{
    /// <summary>
    /// On a CUDA device where libtorch's graph entry points are found: a preallocated cache whose steps after the first replay
    /// one captured CUDA graph (docs/generation.md). Elsewhere <see cref="GrowingCache"/>, so the CPU keeps the reference's
    /// arithmetic bit for bit.
    /// </summary>
    CudaGraphs,
    /// <summary>The cache grows by one position per token; attention sees exactly the positions decoded so far.</summary>
    GrowingCache,
    /// <summary>A cache of the decode budget's capacity with unwritten slots masked, run eagerly (what the graphs replay).</summary>
    PreallocatedCache,
}

/// <summary>The settings' names of <see cref="AutoregressiveDecoding"/> (<c>graphs</c>, <c>growing</c>, <c>preallocated</c>).</summary>
public static class AutoregressiveDecodingNames
{
    public const string Choices = "graphs, growing or preallocated";

    /// <summary>The decoding a name stands for, or null for a name that is none of <see cref="Choices"/>.</summary>
    public static AutoregressiveDecoding? Parse(string name) => name switch
    {
        "graphs" => AutoregressiveDecoding.CudaGraphs,
        "growing" => AutoregressiveDecoding.GrowingCache,
        "preallocated" => AutoregressiveDecoding.PreallocatedCache,
        _ => null,
    };

    public static string NameOf(AutoregressiveDecoding decoding) => decoding switch
    {
        AutoregressiveDecoding.CudaGraphs => "graphs",
        AutoregressiveDecoding.GrowingCache => "growing",
        _ => "preallocated",
    };
}
