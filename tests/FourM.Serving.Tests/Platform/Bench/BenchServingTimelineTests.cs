using System.Diagnostics;
using FourM.Cli.Commands;
using Xunit;

namespace FourM.Serving.Tests.Platform.Bench;

/// <summary>The served run's phases: batches counted where they start, busy time clipped to the phase.</summary>
public sealed class BenchServingTimelineTests
{
    private static long Ms(double milliseconds) => (long)(milliseconds / 1000 * Stopwatch.Frequency);

    [Fact]
    public void A_phase_counts_the_batches_that_start_in_it_and_the_busy_time_inside_it()
    {
        // Batches at 0-10 ms (4 rows), 15-25 ms (8 rows) and 28-40 ms (2 rows); the phase is 5-30 ms.
        var batches = new[] { new BenchServingTimeline.Batch(Ms(0), Ms(10), 4), new(Ms(15), Ms(25), 8), new(Ms(28), Ms(40), 2) };

        var line = BenchServingTimeline.Phase("p", Ms(5), Ms(30), batches);

        // Busy 5 + 10 + 2 = 17 ms of 25; two batches start inside (8 and 2 rows).
        Assert.Equal("p 0.025 s, 2 batches of 5.0 rows, busy 68%, idle 8 ms", line);
    }

    [Fact]
    public void Rows_attach_to_the_batch_that_just_ended_and_phases_cover_the_run()
    {
        var timeline = new BenchServingTimeline();
        timeline.BatchEnded(Ms(20), 10);
        timeline.BatchRows(6);
        timeline.BatchRows(9);                                   // no batch without rows: ignored
        timeline.BatchEnded(Ms(50), 20);

        Assert.Equal([new BenchServingTimeline.Batch(Ms(10), Ms(20), 6), new BenchServingTimeline.Batch(Ms(30), Ms(50), 0)], timeline.Batches);
        var text = timeline.Describe(new BenchServingTimeline.Phases(0, Ms(20), Ms(40), Ms(60)));
        Assert.Equal("timeline: arriving 0.020 s, 1 batches of 6.0 rows, busy 50%, idle 10 ms; " +
                     "all in flight 0.020 s, 1 batches of 0.0 rows, busy 50%, idle 10 ms; finishing 0.020 s, 0 batches of 0.0 rows, busy 50%, idle 10 ms", text);
    }
}
