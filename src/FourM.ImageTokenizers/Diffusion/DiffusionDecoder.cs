using FourM.ImageTokenizers.Diffusion.Scheduling;
using FourM.ImageTokenizers.Diffusion.Unet;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Diffusion;

/// <summary>
/// Tokens' latents → images by DDPM sampling with the patched UNet (reference <c>PipelineCond</c>, no guidance).
/// Each image is a <see cref="DiffusionDecodeJob"/> with a CPU generator seeded with its seed: it draws the initial
/// noise, then one draw per step except the last, exactly like the reference with batch 1 — so an image's result does
/// not depend on what it was batched with. <see cref="Step"/> advances any set of jobs of one image size by one step in
/// a single UNet batch (rows may sit at different timesteps); <see cref="Decode"/> runs whole requests. The scheduler
/// runs in float32, the UNet in its own dtype.
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

    private ScalarType NetworkType => _unet.parameters().First().dtype;

    /// <summary>Starts sampling one image: draws its initial noise from a generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="condition">Quantized latent (1, D, h, w) on the UNet's device.</param>
    public DiffusionDecodeJob Start(Tensor condition, int height, int width, int steps, long seed)
    {
        if (condition.dim() != 4 || condition.shape[0] != 1) throw new ArgumentException("a decode job takes one latent (1, D, h, w)");
        var timesteps = _scheduler.Timesteps(steps);
        var generator = new Generator(unchecked((ulong)seed), CPU);
        using var scope = NewDisposeScope();
        var image = randn([1, _unet.Layout.ImageChannels, height, width], ScalarType.Float32, CPU, generator: generator).to(condition.device);
        var latent = condition.to(NetworkType).clone();
        return new DiffusionDecodeJob(latent.DetachFromDisposeScope(), image.DetachFromDisposeScope(), generator, timesteps);
    }

    /// <summary>Advances every job by one step with one UNet evaluation over all of them (same image size required).</summary>
    public void Step(IReadOnlyList<DiffusionDecodeJob> jobs)
    {
        if (jobs.Count == 0) return;
        if (jobs.Any(j => j.IsDone)) throw new InvalidOperationException("a finished decode job cannot take another step");
        if (jobs.Any(j => j.Height != jobs[0].Height || j.Width != jobs[0].Width))
            throw new ArgumentException("jobs batched into one step must share the image size");
        using var scope = NewDisposeScope();
        var device = jobs[0].Image.device;
        var timesteps = jobs.Select(j => j.Timesteps[j.StepsDone]).ToArray();
        var images = cat(jobs.Select(j => j.Image).ToArray(), 0);
        var conditions = cat(jobs.Select(j => j.Condition).ToArray(), 0);
        var output = _unet.forward(images.to(NetworkType), tensor(timesteps, device: device), conditions).to(ScalarType.Float32);
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var t = timesteps[i];
            var noise = DdpmScheduler.AddsNoise(t)
                ? randn([1, job.Image.shape[1], job.Height, job.Width], ScalarType.Float32, CPU, generator: job.Generator)
                : null;
            var next = _scheduler.Step(output[i..(i + 1)], t, DdpmScheduler.Previous(job.Timesteps, job.StepsDone), job.Image, noise);
            job.Image.Dispose();
            job.Image = next.DetachFromDisposeScope();
            job.StepsDone++;
        }
    }

    /// <summary>The decoded image of a finished job (1, C, H, W), float32, as a new tensor.</summary>
    public static Tensor Result(DiffusionDecodeJob job) =>
        job.IsDone ? job.Image.clone() : throw new InvalidOperationException($"decode job is at step {job.StepsDone} of {job.StepsTotal}");

    /// <summary>Decodes whole requests: one job per row, stepped together.</summary>
    /// <param name="condition">Quantized latents (B, D, h, w) on the UNet's device.</param>
    /// <param name="seeds">One seed per image.</param>
    /// <returns>(B, C, height, width) float32 images on the UNet's device.</returns>
    public Tensor Decode(Tensor condition, int height, int width, int steps, IReadOnlyList<long> seeds)
    {
        var batch = condition.shape[0];
        if (seeds.Count != batch) throw new ArgumentException($"{seeds.Count} seeds for {batch} images");
        if (batch == 0) return empty([0, _unet.Layout.ImageChannels, height, width], ScalarType.Float32, condition.device);
        var jobs = new List<DiffusionDecodeJob>();
        try
        {
            for (var i = 0; i < batch; i++)
            {
                using var row = condition[i..(i + 1)];
                jobs.Add(Start(row, height, width, steps, seeds[i]));
            }
            while (!jobs[0].IsDone) Step(jobs);
            using var scope = NewDisposeScope();
            return cat(jobs.Select(j => j.Image).ToArray(), 0).MoveToOuterDisposeScope();
        }
        finally
        {
            foreach (var job in jobs) job.Dispose();
        }
    }
}
