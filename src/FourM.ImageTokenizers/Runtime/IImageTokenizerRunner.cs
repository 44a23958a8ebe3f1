using FourM.ImageTokenizers.Diffusion;
using FourM.ImageTokenizers.Imaging;

namespace FourM.ImageTokenizers.Runtime;

/// <summary>
/// The synchronous batch surface the per-device engine calls (plain arrays in and out; tensors stay inside). Calls must
/// come from one thread at a time — the engine's device loop — so decodes of many sessions can share one batch.
/// </summary>
public interface IImageTokenizerRunner : IDisposable
{
    /// <summary>The checkpoint's name (file name), for logs and errors.</summary>
    string Name { get; }

    /// <summary>Side of the square input the tokenizer expects (inputs are prepared at this size).</summary>
    int ImageSize { get; }

    /// <summary>Token grid of one image at <see cref="ImageSize"/> (e.g. 14×14 for 224 / 16).</summary>
    (int Height, int Width) TokenGrid { get; }

    long VocabularySize { get; }

    /// <summary>True for DiVAE tokenizers, whose decode is a seeded DDPM sampling.</summary>
    bool IsDiffusion { get; }

    /// <summary>Prepared inputs (all the same size) → one row-major token grid (H·W ids) per image.</summary>
    IReadOnlyList<long[]> TokenizeBatch(IReadOnlyList<TokenizerInput> inputs);

    /// <summary>
    /// Token grids → decoder outputs (C·H·W floats per image). <paramref name="steps"/> and <paramref name="seeds"/> (one
    /// per image) matter only for diffusion decoders; an image's result does not depend on its batch mates.
    /// </summary>
    IReadOnlyList<DecodedMap> DetokenizeBatch(IReadOnlyList<long[]> tokenGrids, int steps, IReadOnlyList<long> seeds);

    /// <summary>
    /// Step-level batching for diffusion decoders: starts one image's decode (its seeded initial noise). Requests that
    /// arrive while others are mid-way join the next <see cref="StepDetokenize"/> batch; each job's result equals the
    /// whole-request decode with the same seed. The caller disposes the job.
    /// </summary>
    DiffusionDecodeJob BeginDetokenize(long[] tokenGrid, int steps, long seed);

    /// <summary>One UNet batch: every job advances one step (jobs may differ in step count and progress).</summary>
    void StepDetokenize(IReadOnlyList<DiffusionDecodeJob> jobs);

    /// <summary>The output of a finished job (<see cref="DiffusionDecodeJob.IsDone"/>).</summary>
    DecodedMap CompleteDetokenize(DiffusionDecodeJob job);
}
