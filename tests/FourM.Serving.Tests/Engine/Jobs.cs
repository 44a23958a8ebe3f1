using FourM.Engine.Batching;
using FourM.Generation.Batching;

namespace FourM.Serving.Tests.Engine;

/// <summary>Small step jobs for engine tests: one 4-token input, one 4-token target.</summary>
public static class Jobs
{
    public static StepJob Job(string session, int step = 0, double cfg = 1.0) => new(
        $"{session}#{step}",
        new SampleState
        {
            Modalities =
            [
                new ModalityState { Modality = "caption", Tokens = [1, 2, 3, 4], InputMask = new bool[4], TargetMask = [true, true, true, true] },
                new ModalityState { Modality = "tok_rgb@224", Tokens = new long[4], InputMask = [true, true, true, true], TargetMask = new bool[4] },
            ],
        },
        new GenerationStepSpec("tok_rgb@224", DecodingScheme.Roar, 2, 1.0, [cfg], cfg == 1.0 ? [] : ["caption"]),
        Seed: 11 + step,
        new SamplingSettings(0, 0));

    public static StepQueuedJob Queued(string session, int priority = 1, string model = "m") =>
        new(Job(session), new JobScheduling(session, model, priority, null));
}
