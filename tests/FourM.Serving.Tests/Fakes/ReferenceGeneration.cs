using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Sessions;

namespace FourM.Serving.Tests.Fakes;

/// <summary>
/// The in-process path the serving path must match: the same plan, run step by step, one job per batch, on a fresh
/// runner, with no Orleans, engine or batching involved.
/// </summary>
public static class ReferenceGeneration
{
    public static SampleState Run(ISessionPlanner planner, IStepBatchRunner runner, SessionRequest request, string sessionId)
    {
        var plan = planner.Plan(request);
        var state = plan.Initial;
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            var step = plan.Steps[i];
            if (!state[step.Spec.TargetDomain].TargetMask.Contains(false)) continue;
            var job = new StepJob($"{sessionId}#{i}", state, step.Spec, step.Seed, step.Sampling, step.MaxNewTokens);
            state = runner.RunBatch([job]).Single().State;
        }
        return state;
    }
}
