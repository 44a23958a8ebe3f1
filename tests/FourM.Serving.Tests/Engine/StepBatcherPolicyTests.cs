using System.Diagnostics;
using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Generation.Batching;
using Xunit;

namespace FourM.Serving.Tests.Engine;

/// <summary>Which ready key runs first, and how autoregressive decodes gather companions.</summary>
public sealed class StepBatcherPolicyTests
{
    private static StepQueuedJob Autoregressive(string session, int? stepsToSequence = null) =>
        new(Jobs.Job(session) with { Step = new GenerationStepSpec("caption", DecodingScheme.Autoregressive, null, 0.3, [1.0], []) },
            new JobScheduling(session, "m", 1, null, stepsToSequence));

    private static StepQueuedJob Image(string session, int stepsToSequence) =>
        new(Jobs.Job(session), new JobScheduling(session, "m", 1, null, stepsToSequence));

    [Fact]
    public void The_largest_ready_backlog_runs_first()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero });
        var now = Stopwatch.GetTimestamp();
        batcher.Enqueue(Jobs.Queued("lone", model: "small"), now);
        foreach (var s in new[] { "a", "b", "c" }) batcher.Enqueue(Jobs.Queued(s, model: "large"), now);

        Assert.Equal(3, batcher.TryTake(now, out _)!.Count);
        Assert.Equal(["lone"], batcher.TryTake(now, out _)!.Select(j => j.Scheduling.SessionId));
    }

    [Fact]
    public void Waiting_raises_a_small_backlog_above_a_fresh_larger_one()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero, AgingPerClass = TimeSpan.FromMilliseconds(10) });
        var start = Stopwatch.GetTimestamp();
        var later = start + Stopwatch.Frequency / 10;            // 100 ms on: the lone job's weight is 1 × (1 + 10)
        batcher.Enqueue(Jobs.Queued("old", model: "small"), start);
        foreach (var s in new[] { "a", "b" }) batcher.Enqueue(Jobs.Queued(s, model: "large"), later);

        Assert.Equal(["old"], batcher.TryTake(later, out _)!.Select(j => j.Scheduling.SessionId));
    }

    [Fact]
    public void Autoregressive_decodes_never_share_a_batch_with_image_steps()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero, AutoregressiveHold = TimeSpan.Zero });
        var now = Stopwatch.GetTimestamp();
        batcher.Enqueue(Jobs.Queued("image"), now);
        batcher.Enqueue(Autoregressive("text"), now);

        var first = batcher.TryTake(now, out _)!;
        var second = batcher.TryTake(now, out _)!;
        Assert.Equal(["image", "text"], first.Concat(second).Select(j => j.Scheduling.SessionId).Order());
        Assert.Single(first);
    }

    [Fact]
    public void Autoregressive_decodes_wait_for_companions_while_other_work_is_queued()
    {
        var options = new EngineOptions { MaxQueueDelay = TimeSpan.Zero, AutoregressiveHold = TimeSpan.FromMilliseconds(100) };
        var batcher = new StepBatcher(options);
        var start = Stopwatch.GetTimestamp();
        foreach (var s in new[] { "t1", "t2", "image" }) batcher.RegisterSession(s, "m", start);
        batcher.Enqueue(Autoregressive("t1"), start);
        batcher.Enqueue(Jobs.Queued("image"), start);

        // The image step runs; the lone autoregressive decode keeps waiting (its hold bounds the wait).
        Assert.Equal(["image"], batcher.TryTake(start, out _)!.Select(j => j.Scheduling.SessionId));
        Assert.Null(batcher.TryTake(start, out var wait));
        Assert.NotNull(wait);
        Assert.True(wait <= options.AutoregressiveHold);

        // A companion joins; the image session is back with its next step. The image step goes first again.
        batcher.Enqueue(Autoregressive("t2"), start);
        batcher.Enqueue(Jobs.Queued("image"), start);
        Assert.Equal(["image"], batcher.TryTake(start, out _)!.Select(j => j.Scheduling.SessionId));

        // The image session has finished (nothing else queued) and everyone left is waiting: both decodes run together.
        batcher.UnregisterSession("image");
        Assert.Equal(["t1", "t2"], batcher.TryTake(start, out _)!.Select(j => j.Scheduling.SessionId).Order());
    }

    [Fact]
    public void Autoregressive_decodes_wait_for_sessions_whose_sequence_step_is_ahead_and_not_for_others()
    {
        var options = new EngineOptions { MaxQueueDelay = TimeSpan.Zero, AutoregressiveHold = TimeSpan.FromSeconds(10) };
        var batcher = new StepBatcher(options);
        var start = Stopwatch.GetTimestamp();
        foreach (var s in new[] { "t1", "t2", "image" }) batcher.RegisterSession(s, "m", start);
        batcher.Enqueue(Autoregressive("t1", stepsToSequence: 0), start);
        batcher.Enqueue(Image("t2", stepsToSequence: 2), start);                                 // two image steps from its caption
        batcher.Enqueue(Image("image", stepsToSequence: JobScheduling.NoSequenceAhead), start);

        // t2 will join: the image steps run and the decode keeps waiting although everyone is waiting.
        Assert.Equal(["image", "t2"], batcher.TryTake(start, out _)!.Select(j => j.Scheduling.SessionId).Order());
        Assert.Null(batcher.TryTake(start, out _));
        batcher.Enqueue(Image("t2", stepsToSequence: 1), start);
        batcher.Enqueue(Image("image", stepsToSequence: JobScheduling.NoSequenceAhead), start);
        Assert.Equal(["image", "t2"], batcher.TryTake(start, out _)!.Select(j => j.Scheduling.SessionId).Order());

        // t2 reaches its caption; "image" has no sequence step ahead, so its queued step is no reason to hold the decodes.
        batcher.Enqueue(Autoregressive("t2", stepsToSequence: 0), start);
        batcher.Enqueue(Image("image", stepsToSequence: JobScheduling.NoSequenceAhead), start);
        var both = batcher.TryTake(start, out _)!;
        Assert.Equal(["t1", "t2"], both.Select(j => j.Scheduling.SessionId).Order());
        Assert.Equal(["image"], batcher.TryTake(start, out _)!.Select(j => j.Scheduling.SessionId));
    }

    [Fact]
    public void Autoregressive_decodes_do_not_wait_for_a_session_whose_sequence_step_lies_beyond_the_hold()
    {
        var options = new EngineOptions { MaxQueueDelay = TimeSpan.Zero, AutoregressiveHold = TimeSpan.FromMilliseconds(500) };
        var start = Stopwatch.GetTimestamp();
        long At(int milliseconds) => start + Stopwatch.Frequency * milliseconds / 1000;

        StepBatcher Measured(int stepsToSequence)
        {
            // "far" steps every 100 ms (the measured period); two sessions then queue their captions, and "far" its next step.
            var batcher = new StepBatcher(options);
            foreach (var s in new[] { "text1", "text2", "far" }) batcher.RegisterSession(s, "m", start);
            batcher.Enqueue(Image("far", stepsToSequence + 2), At(0));
            batcher.TryTake(At(0), out _);
            batcher.Enqueue(Image("far", stepsToSequence + 1), At(100));
            batcher.TryTake(At(100), out _);
            batcher.Enqueue(Autoregressive("text1", stepsToSequence: 0), At(200));
            batcher.Enqueue(Autoregressive("text2", stepsToSequence: 0), At(200));
            batcher.Enqueue(Image("far", stepsToSequence), At(200));
            return batcher;
        }

        // 20 steps × 100 ms: "far" reaches its caption two seconds on, long after a 500 ms hold would end, so the decodes
        // (the larger backlog) run now.
        var far = Measured(20);
        Assert.Equal(TimeSpan.FromMilliseconds(100), far.StepPeriod("m"));
        Assert.Equal(["text1", "text2"], far.TryTake(At(200), out _)!.Select(j => j.Scheduling.SessionId).Order());

        // 3 steps × 100 ms: it arrives within the hold, so the decodes wait for it and its image step runs.
        var near = Measured(3);
        Assert.Equal(["far"], near.TryTake(At(200), out _)!.Select(j => j.Scheduling.SessionId));
        Assert.Null(near.TryTake(At(200), out _));
    }

    [Fact]
    public void One_slow_round_moves_the_step_period_by_one_rounds_weight_not_to_the_slow_value()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero });
        var start = Stopwatch.GetTimestamp();
        long At(int milliseconds) => start + Stopwatch.Frequency * milliseconds / 1000;
        var sessions = Enumerable.Range(0, 10).Select(i => $"s{i}").ToArray();
        foreach (var s in sessions) batcher.RegisterSession(s, "m", start);

        void Round(int milliseconds)
        {
            foreach (var s in sessions) batcher.Enqueue(Image(s, JobScheduling.NoSequenceAhead), At(milliseconds));
            batcher.TryTake(At(milliseconds), out _);
        }

        Round(0);
        Round(100);                                     // first measurement: every session stepped after 100 ms
        Assert.Equal(100, batcher.StepPeriod("m").TotalMilliseconds, 6);
        Round(600);                                     // one round held up for 500 ms
        // Ten samples of 500 ms, each weighing 0.2 / 10 of the rest: 500 − 400 · 0.98^10 ≈ 173.2 ms, not 500.
        Assert.Equal(500 - 400 * Math.Pow(0.98, 10), batcher.StepPeriod("m").TotalMilliseconds, 3);
        Assert.Equal(TimeSpan.Zero, batcher.StepPeriod("other"));
    }

    [Fact]
    public void The_step_period_counts_from_step_start_to_step_start_when_a_step_is_an_encode_and_a_decode()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero });
        var start = Stopwatch.GetTimestamp();
        long At(int milliseconds) => start + Stopwatch.Frequency * milliseconds / 1000;
        batcher.RegisterSession("s", "m", start);
        var scheduling = new JobScheduling("s", "m", 1, null, JobScheduling.NoSequenceAhead);
        var job = Jobs.Job("s");

        // Encode at 0 and 100 ms, each step's decode 40 ms after its encode: the period is 100 ms, not 40 or 60.
        foreach (var at in new[] { 0, 100 })
        {
            batcher.Enqueue(new EncodeQueuedJob(job, scheduling), At(at));
            batcher.TryTake(At(at), out _);
            batcher.Enqueue(new DecodeQueuedJob(job, scheduling, new ContextHandle(1), null), At(at + 40));
            batcher.TryTake(At(at + 40), out _);
        }
        Assert.Equal(100, batcher.StepPeriod("m").TotalMilliseconds, 6);
    }

    [Fact]
    public void Only_registered_sessions_are_tracked_for_the_sequence_hold_and_only_until_they_leave()
    {
        var batcher = new StepBatcher(new EngineOptions());
        var start = Stopwatch.GetTimestamp();
        batcher.Enqueue(Image("passer-by", stepsToSequence: 2), start);   // never registered: nothing to remember
        Assert.Equal(0, batcher.SessionsApproachingSequence);

        batcher.RegisterSession("member", "m", start);
        batcher.Enqueue(Image("member", stepsToSequence: 2), start);
        Assert.Equal(1, batcher.SessionsApproachingSequence);
        batcher.UnregisterSession("member");
        Assert.Equal(0, batcher.SessionsApproachingSequence);
    }

    [Fact]
    public void A_held_autoregressive_decode_runs_once_its_hold_expires()
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.Zero, AutoregressiveHold = TimeSpan.FromMilliseconds(50) });
        var start = Stopwatch.GetTimestamp();
        batcher.RegisterSession("text", "m", start);
        batcher.RegisterSession("busy", "m", start);
        batcher.Enqueue(Autoregressive("text"), start);

        Assert.Null(batcher.TryTake(start, out _));            // "busy" may still bring companions
        var later = start + Stopwatch.Frequency / 10;          // 100 ms on
        Assert.Single(batcher.TryTake(later, out _)!);
    }

    [Theory]
    [InlineData(4, true)]     // step 3 of 4 was its last: nothing more will come from it
    [InlineData(10, false)]   // step 3 of 10: its next step is on its way, so the batch waits for it
    public void A_session_whose_final_step_was_packed_no_longer_holds_the_barrier(int companionSteps, bool runsAtOnce)
    {
        var batcher = new StepBatcher(new EngineOptions { MaxQueueDelay = TimeSpan.FromSeconds(10) });
        var now = Stopwatch.GetTimestamp();
        batcher.RegisterSession("companion", "m", now);
        batcher.RegisterSession("continuing", "m", now);
        StepQueuedJob At(string session, int step, int steps) =>
            new(Jobs.Job(session, step), new JobScheduling(session, "m", 1, null, JobScheduling.NoSequenceAhead, new PlanProgress("plan", step, steps)));
        batcher.Enqueue(At("companion", 3, companionSteps), now);
        batcher.Enqueue(At("continuing", 3, 10), now);
        Assert.Equal(2, batcher.TryTake(now, out _)!.Count);   // the barrier: both were waiting

        batcher.Enqueue(At("continuing", 4, 10), now);
        var next = batcher.TryTake(now, out _);
        Assert.Equal(runsAtOnce ? ["continuing"] : [], next?.Select(j => j.Scheduling.SessionId) ?? []);
        Assert.Equal(runsAtOnce ? 1 : 0, batcher.FinishingSessions);
        batcher.UnregisterSession("companion");
        Assert.Equal(0, batcher.FinishingSessions);
    }
}
