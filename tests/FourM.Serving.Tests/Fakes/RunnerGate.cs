namespace FourM.Serving.Tests.Fakes;

/// <summary>Holds the device thread at the start of each runner batch until a permit is released.</summary>
public sealed class RunnerGate : IDisposable
{
    private readonly SemaphoreSlim _permits;
    private int _waiting;

    public RunnerGate(int initialPermits = 0) => _permits = new SemaphoreSlim(initialPermits);

    /// <summary>Batches currently held at the gate.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Permits not yet taken by a batch.</summary>
    public int Available => _permits.CurrentCount;

    public void Pass()
    {
        Interlocked.Increment(ref _waiting);
        _permits.Wait(TimeSpan.FromMinutes(1));
        Interlocked.Decrement(ref _waiting);
    }

    public void Release(int permits = 1) => _permits.Release(permits);

    public void Open() => _permits.Release(10_000);

    public void Dispose() => _permits.Dispose();
}
