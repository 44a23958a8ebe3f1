using System.Diagnostics;
using FourM.Engine.Metrics;
using FourM.Grains.Interfaces.Sessions;
using FourM.Serving.Tests.Cluster;
using FourM.Serving.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FourM.Serving.Tests.Platform.Metrics;

/// <summary>What an operator's dashboard reads off the <c>FourM.Serving</c> meter while sessions run through a silo.</summary>
public sealed class ServingMetricsClusterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Each_session_step_and_engine_job_is_recorded_once()
    {
        var factory = new FakeRunnerFactory();
        var cluster = await DurableStorageCluster.StartAsync(1, _ => factory, new FixedLengthPlanner(), TimeSpan.FromMilliseconds(5));
        try
        {
            var metrics = cluster.Silos[0].ServiceProvider.GetRequiredService<ServingMetrics>();
            using var recorder = new MeterRecorder(metrics.Meter);
            var sessions = new[]
            {
                ("metrics-t2i-1", Requests.TextToImage(11, "metrics-a", ServingMode.Fused)),
                ("metrics-rgb2x", Requests.ImageToMany(12, "metrics-b", ServingMode.Fused)),
                ("metrics-t2i-2", Requests.TextToImage(13, "metrics-c", ServingMode.Fused)),
            };
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(sessions.Select(s => cluster.Client.GetGrain<IGenerationSessionGrain>(s.Item1).Start(s.Item2)));
            var results = await Task.WhenAll(sessions.Select(s =>
                cluster.Client.GetGrain<IGenerationSessionGrain>(s.Item1).WaitForCompletion().WaitAsync(Patience)));
            var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;

            Assert.All(results, r => Assert.Equal(SessionPhase.Completed, r.Status.Phase));
            var steps = results.Sum(r => r.Status.TotalSteps);
            Assert.True(steps > sessions.Length);

            // Per session: one end-to-end latency and one time to first preview, both inside the test's own clock, and a
            // session's first update comes before its end.
            var endToEnd = recorder.Values("fourm.generation.e2e_latency");
            var firstPreview = recorder.Values("fourm.generation.time_to_first_preview");
            Assert.Equal(sessions.Length, endToEnd.Count);
            Assert.Equal(sessions.Length, firstPreview.Count);
            Assert.All(endToEnd.Concat(firstPreview), seconds => Assert.InRange(seconds, 0, wall));
            Assert.True(firstPreview.Sum() < endToEnd.Sum());

            // Per step: the session's view of it; per engine job (one per step in fused mode): its queue time and completion.
            Assert.Equal(steps, recorder.Values("fourm.session.step_duration").Count);
            Assert.Equal(steps, recorder.Values("fourm.session.step_overhead").Count);
            Assert.Equal(steps, recorder.Values("fourm.engine.jobs_completed").Sum());
            Assert.Equal(steps, recorder.Values("fourm.step.queue_time").Count);
            // Per batch: its rows and its device time.
            var rows = recorder.Values("fourm.step.batch_rows");
            Assert.Equal(rows.Count, recorder.Values("fourm.step.forward_duration").Count);
            // Every job lies in exactly one batch; the fake planner's steps carry no guidance domains, so each is one row.
            Assert.Equal(steps, rows.Sum());
            Assert.True(recorder.Values("fourm.engine.tokens_decoded").Sum() > 0);
            Assert.Empty(recorder.Values("fourm.admission.rejected"));
            Assert.Empty(recorder.Values("fourm.engine.jobs_cancelled"));

            // Afterwards the engine is idle, and a CPU device has no memory figure.
            recorder.CollectGauges();
            Assert.Equal([0d], recorder.Values("fourm.engine.rows_waiting"));
            Assert.Equal([0d], recorder.Values("fourm.engine.jobs_running"));
            Assert.Equal([0d], recorder.Values("fourm.engine.active_sessions"));
            Assert.Empty(recorder.Values("fourm.gpu.memory_used_bytes"));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
