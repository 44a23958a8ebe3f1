using FourM.Model;
using FourM.Model.Configuration;
using FourM.Model.Modalities;
using TorchSharp;

namespace FourM.Cli.Commands;

/// <summary>The benchmark's model: a checkpoint path, or a random 4M-7 model (tiny for CPU, B or L for the GPU).</summary>
public static class BenchServingModel
{
    public static FourMModel Create(string spec, torch.Device device, torch.ScalarType dtype)
    {
        if (File.Exists(spec) || Directory.Exists(spec)) return FourMModel.Load(spec, dtype, device);
        var config = spec.ToLowerInvariant() switch
        {
            // Small enough for CPU CI: the serving path, not the arithmetic, is what the tiny run measures.
            "tiny" => new FourMConfig
            {
                DomainsIn = ModalitySets.FourM7Inputs, DomainsOut = ModalitySets.FourM7Outputs,
                Dim = 64, EncoderDepth = 2, DecoderDepth = 2, NumHeads = 2,
            },
            "b" or "base" => FourMPresets.Create(FourMSize.Base, FourMVariant.SwiGluNoBias),
            "l" or "large" => FourMPresets.Create(FourMSize.Large, FourMVariant.SwiGluNoBias),
            "xl" or "xlarge" => FourMPresets.Create(FourMSize.XLarge, FourMVariant.SwiGluNoBias),
            _ => throw new UsageException($"--model must be a checkpoint path or tiny|B|L|XL, got '{spec}'"),
        };
        return FourMModel.CreateRandom(config, seed: 1234, dtype, device);
    }
}
