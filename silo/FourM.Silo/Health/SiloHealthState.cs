namespace FourM.Silo.Health;

/// <summary>What the probes report, set by the warm-up (started) and the drain (draining).</summary>
public sealed class SiloHealthState
{
    private volatile bool _started;
    private volatile bool _draining;
    private volatile string? _startupFailure;
    private readonly TaskCompletionSource<bool> _startedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Started => _started;
    public bool Draining => _draining;
    public string? StartupFailure => _startupFailure;

    /// <summary>Completes with true once started, false if the warm-up failed.</summary>
    public Task<bool> StartupCompleted => _startedSignal.Task;

    public void MarkStarted()
    {
        _started = true;
        _startedSignal.TrySetResult(true);
    }

    public void MarkStartupFailed(string reason)
    {
        _startupFailure = reason;
        _startedSignal.TrySetResult(false);
    }

    public void MarkDraining() => _draining = true;
}
