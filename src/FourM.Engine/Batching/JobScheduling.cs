namespace FourM.Engine.Batching;

/// <summary>Scheduling facts of a job: who it belongs to, its priority class (0 = most urgent) and deadline.</summary>
public sealed record JobScheduling(string SessionId, string ModelId, int PriorityClass, DateTimeOffset? Deadline);

/// <summary>Where one job's time went: waiting in the queue, and the forward of the batch it ran in.</summary>
public readonly record struct JobTiming(TimeSpan Queue, TimeSpan Execute, int BatchRows);
