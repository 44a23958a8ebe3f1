namespace FourM.Engine.Batching;

/// <summary>
/// Scheduling facts of a job: who it belongs to, its priority class (0 = most urgent) and deadline, and how many steps its
/// session has left before its next autoregressive step (0: this job is one; <see cref="NoSequenceAhead"/>: none ahead; null:
/// unknown, treated as possibly ahead). That hint lets the engine hold a sequence batch for sessions a few image steps
/// away from joining it, and run it at once when none are. <see cref="Progress"/> (null: unknown) lets it align sessions
/// that walk the same plan (<see cref="StepAlignment"/>).
/// </summary>
public sealed record JobScheduling(
    string SessionId, string ModelId, int PriorityClass, DateTimeOffset? Deadline, int? StepsToSequence = null, PlanProgress? Progress = null)
{
    /// <summary><see cref="StepsToSequence"/> of a session whose plan has no autoregressive step left.</summary>
    public const int NoSequenceAhead = -1;
}

/// <summary>Where one job's time went: waiting in the queue, and the forward of the batch it ran in.</summary>
public readonly record struct JobTiming(TimeSpan Queue, TimeSpan Execute, int BatchRows);
