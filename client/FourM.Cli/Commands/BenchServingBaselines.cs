using System.Diagnostics;
using FourM.Generation.Batching;
using FourM.Generation.Requests;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Sessions;

namespace FourM.Cli.Commands;

/// <summary>The two in-process baselines: one request at a time, and requests of one kind batched in lockstep.</summary>
public static class BenchServingBaselines
{
    /// <summary>Each request alone through the generator's step loop; returns the wall time and every final sample.</summary>
    public static (TimeSpan Elapsed, IReadOnlyList<SampleState> Samples) Sequential(IStepBatchRunner runner, IReadOnlyList<SessionRequest> requests)
    {
        var clock = Stopwatch.StartNew();
        var samples = new List<SampleState>();
        foreach (var request in requests)
        {
            var session = new GenerationSession(GenerationSessionPlanner.ToGenerationRequest(request));
            while (!session.IsComplete) session.Apply(runner.RunBatch([session.NextJob()]).Single());
            samples.Add(session.State);
        }
        return (clock.Elapsed, samples);
    }

    /// <summary>Requests grouped by kind; each group advances in lockstep, one batch per step holding every member.</summary>
    public static TimeSpan Homogeneous(IStepBatchRunner runner, IReadOnlyList<(string Kind, SessionRequest Request)> requests)
    {
        var clock = Stopwatch.StartNew();
        foreach (var group in requests.GroupBy(r => r.Kind))
        {
            var sessions = group.Select(r => new GenerationSession(GenerationSessionPlanner.ToGenerationRequest(r.Request))).ToList();
            while (sessions.Any(s => !s.IsComplete))
            {
                var active = sessions.Where(s => !s.IsComplete).ToList();
                var results = runner.RunBatch(active.Select(s => s.NextJob()).ToList());
                for (var i = 0; i < active.Count; i++) active[i].Apply(results[i]);
            }
        }
        return clock.Elapsed;
    }
}
