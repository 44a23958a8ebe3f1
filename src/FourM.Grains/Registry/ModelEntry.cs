using FourM.Model;
using FourM.Model.Modules;
using TorchSharp;

namespace FourM.Grains.Registry;

/// <summary>A model a silo is configured to serve (one item of <c>FourM:Models</c>).</summary>
public sealed class ModelEntry
{
    public string Id { get; set; } = "tiny";
    public string Version { get; set; } = "1";
    /// <summary>A local directory/file, <c>hf://owner/name[@revision]</c>, or <c>random:{preset}</c> (random weights, for tests and smoke runs).</summary>
    public string Source { get; set; } = "random:tiny";
    public string DType { get; set; } = "float32";
    /// <summary>
    /// <c>auto</c> (fused on CUDA, exact elsewhere), <c>exact</c> (the reference's masked softmax) or <c>fused</c>
    /// (<c>scaled_dot_product_attention</c>: faster for batched steps on CUDA, same maths up to rounding; docs/benchmarks.md).
    /// </summary>
    public string Attention { get; set; } = "auto";
    /// <summary>
    /// <c>auto</c> (aligned on CUDA, reference elsewhere), <c>reference</c> or <c>aligned</c>: the feed-forward's hidden width as in
    /// the checkpoint or zero-padded to a multiple of 64 for tensor-core GEMMs (docs/model.md).
    /// </summary>
    public string MlpLayout { get; set; } = "auto";
    /// <summary>Run the encoder on packed tokens instead of padded rows (<c>FourMModelNetwork.PacksEncoderTokens</c>; default off).</summary>
    public bool PackedEncoder { get; set; }
    /// <summary>
    /// <c>auto</c> (CUDA graphs on CUDA, the growing cache elsewhere), <c>graphs</c>, <c>growing</c> or <c>preallocated</c>: how
    /// autoregressive targets use the KV cache (<see cref="Generation.Network.AutoregressiveDecoding"/>; docs/generation.md).
    /// </summary>
    public string AutoregressiveDecoding { get; set; } = "auto";
    /// <summary>
    /// <c>auto</c> or <c>on</c> (decoder passes of image steps replay CUDA graphs per shape bucket on CUDA), or <c>off</c>
    /// (<see cref="Generation.Network.FourMModelNetwork.DecoderPassGraphs"/>; docs/generation.md). No effect off CUDA.
    /// </summary>
    public string DecoderGraphs { get; set; } = "auto";
    /// <summary>
    /// Most decoder pass graphs kept per model on a CUDA device; null: the network's default (64 when the graphs share one
    /// memory pool, which libtorch 2.11 offers; else 16, each graph then holding about 0.3 GB for 4M-B passes of 64 rows).
    /// </summary>
    public int? DecoderGraphCapacity { get; set; }
    /// <summary>
    /// <c>auto</c> or <c>on</c> (padded encoder passes replay CUDA graphs per shape bucket on CUDA), or <c>off</c>
    /// (<see cref="Generation.Network.FourMModelNetwork.EncoderPassGraphs"/>; docs/generation.md). No effect off CUDA.
    /// </summary>
    public string EncoderGraphs { get; set; } = "auto";
    /// <summary>Most encoder pass graphs kept per model on a CUDA device; null: the network's default (as for the decoder's).</summary>
    public int? EncoderGraphCapacity { get; set; }
    /// <summary>Seed of random weights (<c>random:</c> sources only).</summary>
    public long Seed { get; set; }
    /// <summary>Optional sha256 per checkpoint file (e.g. <c>model.safetensors</c>), overriding the hub's digests.</summary>
    public Dictionary<string, string> Sha256 { get; set; } = new(StringComparer.Ordinal);

    public const string RandomScheme = "random:";

    public bool IsRandom => Source.StartsWith(RandomScheme, StringComparison.OrdinalIgnoreCase);
    public string RandomPreset => IsRandom ? Source[RandomScheme.Length..] : throw new InvalidOperationException($"model {Id} is not random");
    public string Key => Interfaces.Registry.ModelKey.Format(Id, Version);

    /// <summary>The attention kernel on a device of this kind: the setting, or for <c>auto</c> the device's default.</summary>
    public AttentionKernel AttentionOn(DeviceType device) => Attention switch
    {
        "exact" => AttentionKernel.Exact,
        "fused" => AttentionKernel.Fused,
        _ => FourMModel.DefaultKernel(device),
    };

    /// <summary>The feed-forward layout on a device of this kind: the setting, or for <c>auto</c> the device's default.</summary>
    public Model.Modules.MlpLayout MlpLayoutOn(DeviceType device) => MlpLayout switch
    {
        "reference" => Model.Modules.MlpLayout.Reference,
        "aligned" => Model.Modules.MlpLayout.Aligned,
        _ => FourMModel.DefaultMlpLayout(device),
    };

    /// <summary>The autoregressive decoding on a device of this kind: the setting, or for <c>auto</c> the device's default.</summary>
    public Generation.Network.AutoregressiveDecoding AutoregressiveDecodingOn(DeviceType device) =>
        Generation.Network.AutoregressiveDecodingNames.Parse(AutoregressiveDecoding)
        ?? (device == DeviceType.CUDA ? Generation.Network.AutoregressiveDecoding.CudaGraphs : Generation.Network.AutoregressiveDecoding.GrowingCache);

    /// <summary>What <see cref="Interfaces.Registry.ModelDeployment.Numerics"/> reports for a serving device name (<c>cuda:0</c>).</summary>
    public string NumericsOn(string device)
    {
        var type = TorchDevices.TypeOf(device);
        return $"attention={AttentionOn(type).ToString().ToLowerInvariant()} mlp={MlpLayoutOn(type).ToString().ToLowerInvariant()} encoder={(PackedEncoder ? "packed" : "padded")} autoregressive={Generation.Network.AutoregressiveDecodingNames.NameOf(AutoregressiveDecodingOn(type))} decoder-graphs={(DecoderGraphsOn(type) ? "on" : "off")} encoder-graphs={(EncoderGraphsOn(type) ? "on" : "off")}";
    }

    /// <summary>Whether decoder passes replay CUDA graphs on a device of this kind (only CUDA has them).</summary>
    public bool DecoderGraphsOn(DeviceType device) => device == DeviceType.CUDA && DecoderGraphs != "off";

    /// <summary>Whether encoder passes replay CUDA graphs on a device of this kind (only CUDA has them).</summary>
    public bool EncoderGraphsOn(DeviceType device) => device == DeviceType.CUDA && EncoderGraphs != "off";

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Id) || Id.Contains('@') || Id.Contains(',')) throw new ArgumentException($"model id '{Id}' must be non-empty without '@' or ','");
        if (string.IsNullOrWhiteSpace(Version) || Version.Contains('@') || Version.Contains(',')) throw new ArgumentException($"model {Id}: version '{Version}' must be non-empty without '@' or ','");
        if (string.IsNullOrWhiteSpace(Source)) throw new ArgumentException($"model {Id}: no source (a path, hf://owner/name[@revision] or random:<preset>)");
        if (DType is not ("float32" or "bfloat16" or "float16")) throw new ArgumentException($"model {Id}: dtype '{DType}' must be float32, bfloat16 or float16");
        if (Attention is not ("auto" or "exact" or "fused")) throw new ArgumentException($"model {Id}: attention '{Attention}' must be auto, exact or fused");
        if (MlpLayout is not ("auto" or "reference" or "aligned")) throw new ArgumentException($"model {Id}: mlp layout '{MlpLayout}' must be auto, reference or aligned");
        if (AutoregressiveDecoding != "auto" && Generation.Network.AutoregressiveDecodingNames.Parse(AutoregressiveDecoding) is null)
            throw new ArgumentException($"model {Id}: autoregressive decoding '{AutoregressiveDecoding}' must be auto, {Generation.Network.AutoregressiveDecodingNames.Choices}");
        if (DecoderGraphs is not ("auto" or "on" or "off")) throw new ArgumentException($"model {Id}: decoder graphs '{DecoderGraphs}' must be auto, on or off");
        if (DecoderGraphCapacity < 1) throw new ArgumentException($"model {Id}: decoder graph capacity {DecoderGraphCapacity} must be at least 1");
        if (EncoderGraphs is not ("auto" or "on" or "off")) throw new ArgumentException($"model {Id}: encoder graphs '{EncoderGraphs}' must be auto, on or off");
        if (EncoderGraphCapacity < 1) throw new ArgumentException($"model {Id}: encoder graph capacity {EncoderGraphCapacity} must be at least 1");
    }
}
