using FourM.ImageTokenizers.Diffusion.Scheduling;
using FourM.ImageTokenizers.Diffusion.Unet;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Diffusion;

/// <summary>
/// Tokens' latents → images by DDPM sampling with the patched UNet (reference <c>PipelineCond</c>, no guidance).
/// Each image owns a CPU generator seeded with its seed: it draws the initial noise, then one draw per step except the
/// last, exactly like the reference with batch 1 — so an image's result does not depend on what it was batched with.
/// The scheduler runs in float32; the UNet in its own dtype.
/// </summary>
public sealed class DiffusionDecoder
{
    private readonly PatchedUnet _unet;
    private readonly DdpmScheduler _scheduler;

    public DiffusionDecoder(PatchedUnet unet, DdpmScheduler scheduler)
    {
        _unet = unet;
        _scheduler = scheduler;
    }

    public DdpmScheduler Scheduler => _scheduler;

    /// <param name="condition">Quantized latents (B, D, h, w) on the UNet's device.</param>
    /// <param name="seeds">One seed per image.</param>
    /// <returns>(B, C, height, width) float32 images on the UNet's device.</returns>
    public Tensor Decode(Tensor condition, int height, int width, int steps, IReadOnlyList<long> seeds)
    {
        var batch = condition.shape[0];
        if (seeds.Count != batch) throw new ArgumentException($"{seeds.Count} seeds for {batch} images");
        var timesteps = _scheduler.Timesteps(steps);
        var channels = _unet.Layout.ImageChannels;
        var device = condition.device;
        var networkType = _unet.parameters().First().dtype;
        var generators = seeds.Select(s => new Generator(unchecked((ulong)s), CPU)).ToArray();
        try
        {
            using var scope = NewDisposeScope();
            var image = DrawNoise(generators, channels, height, width).to(device);
            var latent = condition.to(networkType);
            for (var i = 0; i < timesteps.Length; i++)
            {
                var t = timesteps[i];
                using var stepScope = NewDisposeScope();
                var output = _unet.forward(image.to(networkType), tensor(new[] { t }, device: device), latent).to(ScalarType.Float32);
                var noise = DdpmScheduler.AddsNoise(t) ? DrawNoise(generators, channels, height, width) : null;
                var previousImage = image;
                image = _scheduler.Step(output, t, DdpmScheduler.Previous(timesteps, i), image, noise).MoveToOuterDisposeScope();
                previousImage.Dispose();
            }
            return image.MoveToOuterDisposeScope();
        }
        finally
        {
            foreach (var g in generators) g.Dispose();
        }
    }

    private static Tensor DrawNoise(Generator[] generators, long channels, int height, int width)
    {
        using var scope = NewDisposeScope();
        var draws = generators.Select(g => randn([1, channels, height, width], ScalarType.Float32, CPU, generator: g)).ToArray();
        return cat(draws, 0).MoveToOuterDisposeScope();
    }
}
