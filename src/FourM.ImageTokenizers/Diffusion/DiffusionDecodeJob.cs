using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Diffusion;

/// <summary>
/// One image being sampled: its condition, its current noisy image, its own seeded CPU generator and where it is in its
/// timestep schedule. Jobs of different requests, started at different times and with different step counts, can share
/// one UNet batch per step (<see cref="DiffusionDecoder.Step"/>). Owns its tensors: dispose it when done.
/// </summary>
public sealed class DiffusionDecodeJob : IDisposable
{
    internal DiffusionDecodeJob(Tensor condition, Tensor image, Generator generator, long[] timesteps)
    {
        Condition = condition;
        Image = image;
        Generator = generator;
        Timesteps = timesteps;
    }

    /// <summary>Quantized latent (1, D, h, w) in the network's dtype, on the device.</summary>
    internal Tensor Condition { get; }

    /// <summary>Current sample (1, C, H, W), float32, on the device; the decoded image once <see cref="IsDone"/>.</summary>
    internal Tensor Image { get; set; }

    internal Generator Generator { get; }

    public long[] Timesteps { get; }

    /// <summary>Steps taken so far.</summary>
    public int StepsDone { get; internal set; }

    public int StepsTotal => Timesteps.Length;

    public bool IsDone => StepsDone == Timesteps.Length;

    public long Height => Image.shape[2];

    public long Width => Image.shape[3];

    public void Dispose()
    {
        Condition.Dispose();
        Image.Dispose();
        Generator.Dispose();
    }
}
