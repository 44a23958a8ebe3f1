using System.Security.Cryptography;
using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Progress;
using FourM.Generation.Schedules;

namespace FourM.Generation.Requests;

/// <summary>
/// One request being generated step by step: hands out the next <see cref="StepJob"/> and takes its <see cref="StepResult"/>.
/// Everything it holds is plain data (request, step index, sample, conditions), so a serving grain can persist and resume it.
/// Seeds follow the reference: step <c>i</c> uses <c>seed + i</c>; weighted multi-condition guidance uses <c>seed</c> at every step.
/// </summary>
public sealed class GenerationSession
{
    private readonly Dictionary<string, int> _unmaskedPerTarget = new(StringComparer.Ordinal);
    private readonly List<SampleState>? _conditions;

    public GenerationSession(GenerationRequest request, ModalityCatalog? catalog = null, RequestInitialiser? initialiser = null)
    {
        Request = request ?? throw new ArgumentNullException(nameof(request));
        catalog ??= ModalityCatalog.Default;
        initialiser ??= new RequestInitialiser(catalog);
        Plan = new ChainedScheduleBuilder(catalog).Build(request.Chain);
        State = initialiser.Initialise(request);
        foreach (var step in Plan)
            if (!State.Contains(step.TargetDomain)) throw new GenerationPlanException($"target '{step.TargetDomain}' is missing from the initial sample");
        Seed = request.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        if (request.WeightedConditions is { } sets)
        {
            // Unlike the reference (image targets only), sequence targets are supported too: the autoregressive step combines the
            // weighted passes' logits for every token.
            _conditions = sets.Select(set => initialiser.Initialise(set, new GenerationChain { CondDomains = [], Targets = [] })).ToList();
            // generate_multi_guided: every condition also holds the (still empty) current target.
            foreach (var condition in _conditions) condition.Modalities.Add(State[Plan[0].TargetDomain].Clone());
        }
    }

    public GenerationRequest Request { get; }
    public IReadOnlyList<GenerationStepSpec> Plan { get; }
    public long Seed { get; }
    public SampleState State { get; private set; }
    public IReadOnlyList<SampleState>? Conditions => _conditions;
    public int NextStep { get; private set; }
    public bool IsComplete => NextStep >= Plan.Count;

    public StepJob NextJob()
    {
        if (IsComplete) throw new InvalidOperationException($"request {Request.RequestId} has finished all {Plan.Count} steps");
        var spec = Plan[NextStep];
        var jobId = $"{Request.RequestId}/{NextStep}";
        if (_conditions is null)
            return new StepJob(jobId, State, spec, Seed + NextStep, Request.Sampling);
        return new StepJob(jobId, State, spec, Seed, Request.Sampling) { Conditions = _conditions };
    }

    public GenerationProgress Apply(StepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var spec = Plan[NextStep];
        State = result.State;
        if (_conditions is not null && result.Conditions is { } updated)
        {
            _conditions.Clear();
            _conditions.AddRange(updated);
        }
        _unmaskedPerTarget[spec.TargetDomain] = _unmaskedPerTarget.GetValueOrDefault(spec.TargetDomain) + result.TokensUnmasked;
        int targetStep = Plan.Take(NextStep).Count(s => s.TargetDomain == spec.TargetDomain);
        var progress = new GenerationProgress(NextStep, Plan.Count, spec.TargetDomain, targetStep, result.TokensUnmasked,
            _unmaskedPerTarget[spec.TargetDomain], State);
        NextStep++;
        if (_conditions is not null && !IsComplete && Plan[NextStep].TargetDomain != spec.TargetDomain)
            PromoteFinishedTarget(spec.TargetDomain, Plan[NextStep].TargetDomain);
        return progress;
    }

    /// <summary>
    /// generate_multi_guided's bookkeeping when the target changes: the finished target leaves every condition and the
    /// unconditional inputs, becomes a condition of its own, and every condition receives the next (empty) target.
    /// </summary>
    private void PromoteFinishedTarget(string finished, string next)
    {
        foreach (var condition in _conditions!)
        {
            condition.Modalities.RemoveAll(m => m.Modality == finished);
            condition.Modalities.Add(State[next].Clone());
        }
        var asCondition = State[finished].Clone();
        Array.Fill(asCondition.InputMask, false);
        Array.Fill(asCondition.TargetMask, true);
        _conditions!.Add(new SampleState { Modalities = [asCondition, State[next].Clone()] });
        // A copy, so the progress snapshot already handed out keeps the finished target visible.
        var unconditional = State.Clone();
        Array.Fill(unconditional[finished].InputMask, true);
        State = unconditional;
    }
}
