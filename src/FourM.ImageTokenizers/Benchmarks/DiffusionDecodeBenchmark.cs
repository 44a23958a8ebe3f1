using System.Diagnostics;
using FourM.ImageTokenizers.Diffusion;
using FourM.ImageTokenizers.Diffusion.Scheduling;
using FourM.ImageTokenizers.Diffusion.Unet;
using FourM.ImageTokenizers.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Benchmarks;

/// <summary>Shape of the benchmarked DiVAE decoder (defaults: the released RGB tokenizer's UNet at 224×224).</summary>
public sealed record DiffusionBenchmarkSettings(
    int ImageSize = 224,
    int ImageChannels = 3,
    int LatentChannels = 32,
    int TokenPatch = 16,
    int PatchSize = 4,
    int ModelChannels = 256,
    int ResBlocks = 3,
    IReadOnlyList<int>? AttentionResolutions = null,
    IReadOnlyList<int>? ChannelMultipliers = null,
    int Steps = 25,
    int Warmup = 1,
    int Iterations = 3)
{
    public IReadOnlyList<int> Attention => AttentionResolutions ?? [4, 8];
    public IReadOnlyList<int> Multipliers => ChannelMultipliers ?? [1, 2, 2, 2];
}

/// <summary>One measured batch size.</summary>
public sealed record DiffusionBenchmarkResult(int Batch, double SecondsPerBatch)
{
    public double ImagesPerSecond => Batch / SecondsPerBatch;
}

/// <summary>
/// Decode throughput of a DiVAE-sized patched UNet with random weights: the full sampling loop (CPU-seeded noise per
/// image, UNet, DDPM step with the released tokenizers' settings), timed after warm-up, synchronised on CUDA.
/// </summary>
public static class DiffusionDecodeBenchmark
{
    public static IEnumerable<DiffusionBenchmarkResult> Run(DiffusionBenchmarkSettings settings, IReadOnlyList<int> batches, Device device, ScalarType dtype)
    {
        manual_seed(0);
        var layout = UnetLayout.FromSettings(settings.ImageChannels, settings.LatentChannels, settings.PatchSize, settings.ModelChannels,
            settings.ResBlocks, settings.Attention.ToArray(), settings.Multipliers);
        using var unet = new PatchedUnet(layout);
        unet.eval();
        unet.to(device, dtype);
        using var scheduler = new DdpmScheduler(new DdpmSettings(Prediction: PredictionType.Sample, ZeroTerminalSnr: true, Thresholding: true));
        var decoder = new DiffusionDecoder(unet, scheduler);
        var grid = settings.ImageSize / settings.TokenPatch;
        foreach (var batch in batches)
        {
            using var latent = randn([batch, settings.LatentChannels, grid, grid]).to(device);
            var seeds = Enumerable.Range(0, batch).Select(i => (long)i).ToArray();
            void DecodeOnce()
            {
                using var _ = inference_mode();
                using var image = decoder.Decode(latent, settings.ImageSize, settings.ImageSize, settings.Steps, seeds);
                if (device.type == DeviceType.CUDA) cuda.synchronize(device);
            }
            for (var i = 0; i < settings.Warmup; i++) DecodeOnce();
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < settings.Iterations; i++) DecodeOnce();
            yield return new DiffusionBenchmarkResult(batch, watch.Elapsed.TotalSeconds / settings.Iterations);
        }
    }

    /// <summary>The line both this benchmark and <c>bench/pytorch_unet.py</c> print, so results diff directly.</summary>
    public static string Format(string implementation, DiffusionBenchmarkSettings settings, DiffusionBenchmarkResult result, Device device, ScalarType dtype) =>
        FormattableString.Invariant(
            $"bench divae impl={implementation} device={device.type.ToString().ToLowerInvariant()} dtype={TorchTargets.Name(dtype)} size={settings.ImageSize} model_channels={settings.ModelChannels} steps={settings.Steps} batch={result.Batch} seconds_per_batch={result.SecondsPerBatch:F4} images_per_s={result.ImagesPerSecond:F3}");
}
