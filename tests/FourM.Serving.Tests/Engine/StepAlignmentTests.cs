using System.Diagnostics;
using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Generation.Batching;
using Xunit;

namespace FourM.Serving.Tests.Engine;

/// <summary>Sessions on the same plan fall into step: leaders wait for laggards, within a window and a time budget.</summary>
public sealed class StepAlignmentTests
{
    private const string Shape = "tok_clip@224:Roar:49|tok_rgb@224:Roar:25";

    private static StepQueuedJob At(string session, int step, string shape = Shape) =>
        new(Jobs.Job(session, step), new JobScheduling(session, "m", 1, null, JobScheduling.NoSequenceAhead, new PlanProgress(shape, step)));

    private static StepBatcher Batcher(TimeSpan? budget = null, int window = 16) => new(new EngineOptions
    {
        MaxQueueDelay = TimeSpan.Zero,
        StepAlignmentBudget = budget ?? TimeSpan.FromSeconds(10),
        StepAlignmentWindow = window,
    });

    private static StepBatcher Registered(StepBatcher batcher, long now, params string[] sessions)
    {
        foreach (var s in sessions) batcher.RegisterSession(s, "m", now);
        return batcher;
    }

    private static string[] Sessions(List<QueuedJob>? batch) => batch?.Select(j => j.Scheduling.SessionId).Order().ToArray() ?? [];

    [Fact]
    public void A_session_ahead_waits_until_the_one_behind_catches_up_and_then_they_share_passes()
    {
        var now = Stopwatch.GetTimestamp();
        var batcher = Registered(Batcher(), now, "leader", "laggard");
        batcher.Enqueue(At("leader", 3), now);
        batcher.Enqueue(At("laggard", 1), now);

        Assert.Equal(["laggard"], Sessions(batcher.TryTake(now, out _)));
        // The laggard is computing step 1: the leader keeps waiting, and nothing else is runnable.
        Assert.Null(batcher.TryTake(now, out var wait));
        Assert.NotNull(wait);

        batcher.Enqueue(At("laggard", 2), now);
        Assert.Equal(["laggard"], Sessions(batcher.TryTake(now, out _)));
        batcher.Enqueue(At("laggard", 3), now);
        Assert.Equal(["laggard", "leader"], Sessions(batcher.TryTake(now, out _)));
    }

    [Fact]
    public void The_wait_is_bounded_by_the_session_budget_and_charged_to_it()
    {
        var budget = TimeSpan.FromMilliseconds(200);
        var start = Stopwatch.GetTimestamp();
        var batcher = Registered(Batcher(budget), start, "leader", "laggard");
        batcher.Enqueue(At("leader", 5), start);
        batcher.Enqueue(At("laggard", 0), start);
        Assert.Equal(["laggard"], Sessions(batcher.TryTake(start, out _)));
        Assert.Null(batcher.TryTake(start, out var wait));
        Assert.Equal(budget, wait);

        // 120 ms on the laggard is still behind; the leader's budget has 80 ms left.
        var later = start + Ticks(TimeSpan.FromMilliseconds(120));
        batcher.Enqueue(At("laggard", 1), later);
        Assert.Equal(["laggard"], Sessions(batcher.TryTake(later, out _)));
        Assert.Null(batcher.TryTake(later, out wait));
        Assert.InRange(wait!.Value.TotalMilliseconds, 79, 81);

        // Past the budget the leader runs although the laggard is still behind, and the time is charged to it.
        var spent = start + Ticks(budget);
        Assert.Equal(["leader"], Sessions(batcher.TryTake(spent, out _)));
        Assert.InRange(batcher.AlignmentSpent("leader").TotalMilliseconds, 199, 201);
        Assert.Equal(TimeSpan.Zero, batcher.AlignmentSpent("laggard"));

        // Its budget is spent: its next step does not wait either.
        batcher.Enqueue(At("leader", 6), spent);
        batcher.Enqueue(At("laggard", 2), spent);
        Assert.Equal(["laggard", "leader"], Sessions(batcher.TryTake(spent, out _)));
    }

    [Fact]
    public void Sessions_on_other_plans_beyond_the_window_or_gone_are_not_waited_for()
    {
        var now = Stopwatch.GetTimestamp();
        var batcher = Registered(Batcher(window: 2), now, "leader", "other-plan", "far-behind", "gone");
        batcher.Enqueue(At("other-plan", 9, shape: "tok_depth@224:Roar:1"), now);
        batcher.Enqueue(At("far-behind", 5), now);
        batcher.Enqueue(At("gone", 8), now);
        Assert.Equal(3, batcher.TryTake(now, out _)!.Count);
        batcher.UnregisterSession("gone");

        batcher.Enqueue(At("leader", 10), now);
        Assert.Equal(["leader"], Sessions(batcher.TryTake(now, out _)));
    }

    [Fact]
    public void Sequence_steps_are_neither_held_nor_waited_for()
    {
        var now = Stopwatch.GetTimestamp();
        var batcher = Registered(new StepBatcher(new EngineOptions
        {
            MaxQueueDelay = TimeSpan.Zero, AutoregressiveHold = TimeSpan.Zero, StepAlignmentBudget = TimeSpan.FromSeconds(10),
            StepAlignmentWindow = 2,
        }), now, "captioning", "image", "behind");
        var caption = new StepQueuedJob(
            Jobs.Job("captioning", 3) with { Step = new GenerationStepSpec("caption", DecodingScheme.Autoregressive, null, 0.3, [1.0], []) },
            new JobScheduling("captioning", "m", 1, null, 0, new PlanProgress(Shape, 3)));
        batcher.Enqueue(caption, now);
        batcher.Enqueue(At("behind", 2), now);
        var first = Sessions(batcher.TryTake(now, out _));
        var second = Sessions(batcher.TryTake(now, out _));
        Assert.Equal(["behind", "captioning"], first.Concat(second).Order());

        // A session sitting at its sequence step (step 3) is no laggard for one at step 4.
        batcher.UnregisterSession("behind");
        batcher.Enqueue(At("image", 4), now);
        Assert.Equal(["image"], Sessions(batcher.TryTake(now, out _)));
    }

    [Theory]
    // Three image steps, then a caption: too short a run of shared steps to be worth a wait (min 8).
    [InlineData(3, 1, false)]
    // Eight image steps still ahead of the sequence step: held.
    [InlineData(8, 1, true)]
    // No sequence step ahead, plan of 74 steps: at step 3, 71 steps left (held); at step 70, only 4 (not held).
    [InlineData(JobScheduling.NoSequenceAhead, 3, true)]
    [InlineData(JobScheduling.NoSequenceAhead, 70, false)]
    public void Only_sessions_with_a_long_run_of_image_steps_ahead_are_held(int stepsToSequence, int leaderStep, bool held)
    {
        var now = Stopwatch.GetTimestamp();
        var batcher = Registered(Batcher(), now, "leader", "laggard");
        QueuedJob Planned(string session, int step) =>
            new StepQueuedJob(Jobs.Job(session, step), new JobScheduling(session, "m", 1, null, stepsToSequence, new PlanProgress(Shape, step, 74)));
        batcher.Enqueue(Planned("leader", leaderStep), now);
        batcher.Enqueue(Planned("laggard", leaderStep - 1), now);
        Assert.Equal(held ? ["laggard"] : ["laggard", "leader"], Sessions(batcher.TryTake(now, out _)));
    }

    [Fact]
    public void A_zero_budget_turns_alignment_off()
    {
        var now = Stopwatch.GetTimestamp();
        var batcher = Registered(Batcher(TimeSpan.Zero), now, "leader", "laggard");
        batcher.Enqueue(At("leader", 3), now);
        batcher.Enqueue(At("laggard", 1), now);
        Assert.Equal(["laggard", "leader"], Sessions(batcher.TryTake(now, out _)));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
