using System.Diagnostics;
using FourM.Engine.Batching;
using FourM.Engine.Engine;
using Xunit;

namespace FourM.Serving.Tests.Engine;

public sealed class StepBatcherTests
{
    private static readonly EngineOptions Options = new() { MaxBatchRows = 8, MaxQueueDelay = TimeSpan.FromHours(1) };

    [Fact]
    public void Waits_for_every_registered_session_then_batches_them_together()
    {
        var batcher = new StepBatcher(Options);
        var now = Stopwatch.GetTimestamp();
        batcher.RegisterSession("a", "m", now);
        batcher.RegisterSession("b", "m", now);

        batcher.Enqueue(Jobs.Queued("a"), now);
        Assert.Null(batcher.TryTake(now, out var wait));
        Assert.NotNull(wait);                                   // the queue delay bounds the wait
        Assert.True(wait <= Options.MaxQueueDelay);

        batcher.Enqueue(Jobs.Queued("b"), now);
        var batch = batcher.TryTake(now, out _);
        Assert.NotNull(batch);
        Assert.Equal(["a", "b"], batch.Select(j => j.Scheduling.SessionId).Order());
        Assert.Equal(0, batcher.QueuedJobs);
    }

    [Fact]
    public void The_oldest_job_fires_after_the_max_queue_delay_even_without_its_companions()
    {
        var options = new EngineOptions { MaxQueueDelay = TimeSpan.FromMilliseconds(5) };
        var batcher = new StepBatcher(options);
        var start = Stopwatch.GetTimestamp();
        batcher.RegisterSession("a", "m", start);
        batcher.RegisterSession("late", "m", start);
        batcher.Enqueue(Jobs.Queued("a"), start);

        Assert.Null(batcher.TryTake(start, out _));
        var later = start + Stopwatch.Frequency / 100;          // 10 ms on
        Assert.Single(batcher.TryTake(later, out _)!);
    }

    [Fact]
    public void Rows_are_capped_and_higher_priority_classes_go_first()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxBatchRows = 2, MaxQueueDelay = TimeSpan.Zero });
        var now = Stopwatch.GetTimestamp();
        batcher.Enqueue(Jobs.Queued("batch-1", priority: 2), now);
        batcher.Enqueue(Jobs.Queued("batch-2", priority: 2), now);
        batcher.Enqueue(Jobs.Queued("interactive", priority: 0), now);

        var first = batcher.TryTake(now, out _)!;
        Assert.Equal(2, first.Count);
        Assert.Equal("interactive", first[0].Scheduling.SessionId);
        Assert.Single(batcher.TryTake(now, out _)!);
    }

    [Fact]
    public void Guided_jobs_count_their_unconditional_row()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxBatchRows = 3, MaxQueueDelay = TimeSpan.Zero });
        var now = Stopwatch.GetTimestamp();
        foreach (var s in new[] { "g1", "g2" })
            batcher.Enqueue(new StepQueuedJob(Jobs.Job(s, cfg: 3.0), new JobScheduling(s, "m", 1, null)), now);

        Assert.Single(batcher.TryTake(now, out _)!);            // 2 + 2 rows would exceed 3
    }

    [Fact]
    public void Cancelled_jobs_are_dropped_before_packing()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero });
        var now = Stopwatch.GetTimestamp();
        var cancelled = Jobs.Queued("gone");
        batcher.Enqueue(cancelled, now);
        batcher.Enqueue(Jobs.Queued("kept"), now);
        cancelled.Cancel(new CancellationToken(true));

        var batch = batcher.TryTake(now, out _)!;
        Assert.Equal(["kept"], batch.Select(j => j.Scheduling.SessionId));
        Assert.True(cancelled.Completion.IsCanceled);
    }

    [Fact]
    public void Keys_of_different_models_never_share_a_batch()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero });
        var now = Stopwatch.GetTimestamp();
        batcher.Enqueue(Jobs.Queued("a", model: "small"), now);
        batcher.Enqueue(Jobs.Queued("b", model: "large"), now);

        var first = batcher.TryTake(now, out _)!;
        var second = batcher.TryTake(now, out _)!;
        Assert.Single(first);
        Assert.Single(second);
        Assert.NotEqual(first[0].Scheduling.ModelId, second[0].Scheduling.ModelId);
    }

    [Fact]
    public void Rows_of_very_different_lengths_are_not_padded_into_one_batch()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero, BucketByLength = true });
        var now = Stopwatch.GetTimestamp();
        var longJob = Jobs.Job("long") with { State = new FourM.Generation.Batching.SampleState
        {
            Modalities =
            [
                new FourM.Generation.Batching.ModalityState { Modality = "caption", Tokens = new long[64], InputMask = new bool[64], TargetMask = Enumerable.Repeat(true, 64).ToArray() },
                new FourM.Generation.Batching.ModalityState { Modality = "tok_rgb@224", Tokens = new long[4], InputMask = [true, true, true, true], TargetMask = new bool[4] },
            ],
        } };
        batcher.Enqueue(Jobs.Queued("short"), now);
        batcher.Enqueue(new StepQueuedJob(longJob, new JobScheduling("long", "m", 1, null)), now);

        Assert.Single(batcher.TryTake(now, out _)!);
        Assert.Single(batcher.TryTake(now, out _)!);

        var unbucketed = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero, BucketByLength = false });
        unbucketed.Enqueue(Jobs.Queued("short"), now);
        unbucketed.Enqueue(new StepQueuedJob(longJob, new JobScheduling("long", "m", 1, null)), now);
        Assert.Equal(2, unbucketed.TryTake(now, out _)!.Count);
    }
}
