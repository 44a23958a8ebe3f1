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
    /// <param name="edit">A participant's edit and the step before which it applies (positions become inputs with its ids).</param>
    public static SampleState Run(ISessionPlanner planner, IStepBatchRunner runner, SessionRequest request, string sessionId,
        (int BeforeStep, SessionEdit Edit)? edit = null)
    {
        var plan = planner.Plan(request);
        var state = plan.Initial;
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            if (edit is { } e && e.BeforeStep == i)
            {
                state = state.Clone();
                var modality = state[e.Edit.Modality];
                for (var k = 0; k < e.Edit.Positions.Length; k++)
                {
                    modality.Tokens[e.Edit.Positions[k]] = e.Edit.Tokens[k];
                    modality.InputMask[e.Edit.Positions[k]] = false;
                    modality.TargetMask[e.Edit.Positions[k]] = true;
                }
            }
            var step = plan.Steps[i];
            if (!state[step.Spec.TargetDomain].TargetMask.Contains(false)) continue;
            var job = new StepJob($"{sessionId}#{i}", state, step.Spec, step.Seed, step.Sampling, step.MaxNewTokens);
            state = runner.RunBatch([job]).Single().State;
        }
        return state;
    }
}
