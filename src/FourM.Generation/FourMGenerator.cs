using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Progress;
using FourM.Generation.Requests;

namespace FourM.Generation;

/// <summary>
/// Runs a whole <see cref="GenerationRequest"/> in process by handing its steps, one at a time, to a step runner. This is the
/// plain reference path the serving layer's grains are compared against. Blocking: call it on the device's torch thread.
/// </summary>
public sealed class FourMGenerator(IStepBatchRunner runner, ModalityCatalog? catalog = null, RequestInitialiser? initialiser = null)
{
    public SampleState Generate(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        SampleState? last = null;
        foreach (var step in GenerateSteps(request, cancellationToken))
        {
            progress?.Report(step);
            last = step.State;
        }
        return last ?? throw new GenerationPlanException("the request's chain has no steps");
    }

    /// <summary>Yields after every step (for streaming previews); the last item holds the final sample.</summary>
    public IEnumerable<GenerationProgress> GenerateSteps(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var session = new GenerationSession(request, catalog, initialiser);
        while (!session.IsComplete)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var job = session.NextJob();
            var result = runner.RunBatch([job]).Single();
            yield return session.Apply(result);
        }
    }
}
