using Orleans.Runtime;
using Orleans.Storage;

namespace FourM.Serving.Tests.Fakes;

/// <summary>Grain storage whose writes a test can hold (while <see cref="Armed"/>) until it releases them.</summary>
public sealed class GatedGrainStorage(IGrainStorage inner) : ForwardingGrainStorage(inner)
{
    private readonly object _lock = new();
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>While true, writes wait for <see cref="Release"/>.</summary>
    public bool Armed { get; set; }

    /// <summary>Writes waiting now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Lets every held write through and stops holding new ones.</summary>
    public void Release()
    {
        lock (_lock)
        {
            Armed = false;
            _released.TrySetResult();
            _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public override async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Task? gate = null;
        lock (_lock) if (Armed) gate = _released.Task;
        if (gate is not null)
        {
            Interlocked.Increment(ref _held);
            try { await gate; }
            finally { Interlocked.Decrement(ref _held); }
        }
        await Inner.WriteStateAsync(stateName, grainId, grainState);
    }
}
