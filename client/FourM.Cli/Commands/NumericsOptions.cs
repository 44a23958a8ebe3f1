using FourM.Generation.Network;
using FourM.Model.Modules;

namespace FourM.Cli.Commands;

/// <summary>
/// <c>--attention exact|fused</c>, <c>--mlp reference|aligned</c> and <c>--packed on|off</c>: a model's numerics; absent = the model's default for its
/// device (docs/model.md).
/// </summary>
internal static class NumericsOptions
{
    public const string Usage = "[--attention exact|fused] [--mlp reference|aligned]";
    public const string MlpUsage = "[--mlp reference|aligned]";

    public static AttentionKernel? Attention(CommandLine cl, string option = "attention") => cl.Get(option) switch
    {
        null => null,
        "exact" => AttentionKernel.Exact,
        "fused" => AttentionKernel.Fused,
        var other => throw new UsageException($"--{option} must be exact or fused, not '{other}'"),
    };

    public static MlpLayout? Mlp(CommandLine cl) => cl.Get("mlp") switch
    {
        null => null,
        "reference" => MlpLayout.Reference,
        "aligned" => MlpLayout.Aligned,
        var other => throw new UsageException($"--mlp must be reference or aligned, not '{other}'"),
    };

    /// <summary><c>--packed on|off</c>: the encoder on packed tokens or padded rows; absent = the network's default (padded).</summary>
    public static bool? Packed(CommandLine cl) => cl.Get("packed") switch
    {
        null => null,
        "on" => true,
        "off" => false,
        var other => throw new UsageException($"--packed must be on or off, not '{other}'"),
    };

    /// <summary>
    /// <c>--ar-decoding graphs|growing|preallocated</c>: how autoregressive targets use the KV cache; absent = the runner's
    /// default (CUDA graphs on CUDA, the growing cache elsewhere).
    /// </summary>
    public static AutoregressiveDecoding? Autoregressive(CommandLine cl) => cl.Get("ar-decoding") is not { } name ? null
        : AutoregressiveDecodingNames.Parse(name) ?? throw new UsageException($"--ar-decoding must be {AutoregressiveDecodingNames.Choices}, not '{name}'");

    /// <summary><c>--decoder-graphs on|off</c>: decoder passes of image steps replay CUDA graphs per shape bucket; absent = the
    /// network's default (on for CUDA).</summary>
    public static bool? DecoderGraphs(CommandLine cl) => cl.Get("decoder-graphs") switch
    {
        null => null,
        "off" => false,
        "on" => true,
        var other => throw new UsageException($"--decoder-graphs must be on or off, not '{other}'"),
    };

    /// <summary>What <paramref name="decoding"/> resolves to on a device (graphs need CUDA), for benchmark headers.</summary>
    public static string Describe(AutoregressiveDecoding decoding, TorchSharp.DeviceType device) =>
        decoding == AutoregressiveDecoding.CudaGraphs && device != TorchSharp.DeviceType.CUDA ? "GrowingCache (graphs need CUDA)" : decoding.ToString();

    /// <summary><c>--encoder-graphs on|off</c>: padded encoder passes replay CUDA graphs per shape bucket; absent = the network's
    /// default (on for CUDA).</summary>
    public static bool? EncoderGraphs(CommandLine cl) => cl.Get("encoder-graphs") switch
    {
        null => null,
        "off" => false,
        "on" => true,
        var other => throw new UsageException($"--encoder-graphs must be on or off, not '{other}'"),
    };

    /// <summary><c>--graph-capacity N</c>: how many pass graphs of each kind (decoder, encoder) are kept; applied to
    /// <paramref name="network"/> when given.</summary>
    public static void ApplyGraphCapacity(CommandLine cl, FourM.Generation.Network.FourMModelNetwork network)
    {
        // --graph-pool shared|private: one memory pool for all graphs of a kind (default) or one per graph (A/B runs).
        if (cl.Get("graph-pool") is { } pool)
        {
            bool shared = pool switch
            {
                "shared" => true,
                "private" => false,
                _ => throw new UsageException($"--graph-pool must be shared or private, got '{pool}'"),
            };
            if (network.DecoderGraphs is { } decoder) decoder.SharePool = shared;
            if (network.EncoderGraphs is { } encoder) encoder.SharePool = shared;
        }
        if (!cl.Has("graph-capacity")) return;
        int capacity = cl.GetInt("graph-capacity", 16);
        if (capacity < 1) throw new UsageException($"--graph-capacity must be at least 1, got {capacity}");
        if (network.DecoderPassGraphs) network.DecoderGraphCapacity = capacity;
        if (network.EncoderPassGraphs) network.EncoderGraphCapacity = capacity;
    }
}
