using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Generation.Sequences;
using FourM.Model;
using FourM.Model.Configuration;
using FourM.Model.Modalities;
using FourM.Model.Modules;
using TorchSharp;

namespace FourM.Grains.Registry;

/// <summary>
/// Loads 4M checkpoints (a directory with <c>model.safetensors</c>) or builds random-weight presets
/// (<c>random:tiny|small|base|large|xlarge</c>, plus <c>random:micro</c>, a 64-wide 2-layer model for CI), and serves
/// them through the generation layer's <see cref="StepBatchRunner"/>.
/// </summary>
public sealed class FourMModelLoader : IModelLoader
{
    public IEncoderDecoderRunner Load(ModelEntry model, string? directory, string device)
    {
        var torchDevice = TorchDevices.Parse(device);
        var dtype = TorchDevices.DType(model.DType);
        var network = model.IsRandom
            ? FourMModel.CreateRandom(RandomConfig(model.RandomPreset), model.Seed, dtype, torchDevice)
            : FourMModel.Load(directory ?? throw new ArgumentException($"model {model.Key} has no checkpoint directory"), dtype, torchDevice);
        network.Kernel = model.AttentionOn(torchDevice.type);
        // Loading applied the device's default layout; setting it again would rebuild the padded weights.
        var layout = model.MlpLayoutOn(torchDevice.type);
        if (layout != network.MlpLayout) network.MlpLayout = layout;
        // Sequence targets (captions, detections) end at the text tokenizer's sentinels.
        var generationNetwork = new FourMModelNetwork(network) { PacksEncoderTokens = model.PackedEncoder, DecoderPassGraphs = model.DecoderGraphsOn(torchDevice.type), EncoderPassGraphs = model.EncoderGraphsOn(torchDevice.type) };
        if (generationNetwork.DecoderPassGraphs && model.DecoderGraphCapacity is { } decoderCapacity) generationNetwork.DecoderGraphCapacity = decoderCapacity;
        if (generationNetwork.EncoderPassGraphs && model.EncoderGraphCapacity is { } encoderCapacity) generationNetwork.EncoderGraphCapacity = encoderCapacity;
        return new StepBatchRunner(generationNetwork,
            options: new StepRunnerOptions { AutoregressiveDecoding = model.AutoregressiveDecodingOn(torchDevice.type) },
            sentinelIds: TextTokenizerEncoder.Default.SentinelIds);
    }

    public IReadOnlyList<string> Modalities(ModelEntry model, string? directory)
    {
        FourMConfig config;
        if (model.IsRandom) config = RandomConfig(model.RandomPreset);
        else if (directory is not null && File.Exists(Path.Combine(directory, "config.json")))
            config = FourMConfigReader.FromJsonFile(Path.Combine(directory, "config.json"), ModalityRegistry.CreateDefault());
        else return [];
        return config.DomainsIn.Concat(config.DomainsOut).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The random presets: the 4M-7 modalities at the paper's sizes, or <c>micro</c> for CPU smoke runs.</summary>
    public static FourMConfig RandomConfig(string preset) => preset.ToLowerInvariant() switch
    {
        "micro" => new FourMConfig
        {
            DomainsIn = ModalitySets.FourM7Inputs, DomainsOut = ModalitySets.FourM7Outputs,
            Dim = 64, EncoderDepth = 2, DecoderDepth = 2, NumHeads = 2,
        },
        "tiny" => FourMPresets.Create(FourMSize.Tiny, FourMVariant.SwiGluNoBias),
        "small" => FourMPresets.Create(FourMSize.Small, FourMVariant.SwiGluNoBias),
        "base" or "b" => FourMPresets.Create(FourMSize.Base, FourMVariant.SwiGluNoBias),
        "large" or "l" => FourMPresets.Create(FourMSize.Large, FourMVariant.SwiGluNoBias),
        "xlarge" or "xl" => FourMPresets.Create(FourMSize.XLarge, FourMVariant.SwiGluNoBias),
        _ => throw new ArgumentException($"unknown random preset '{preset}' (micro, tiny, small, base, large, xlarge)"),
    };
}
