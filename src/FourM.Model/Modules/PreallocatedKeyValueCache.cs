using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// A cache of fixed capacity whose keys/values are written in place at a position held on the device
/// (<see cref="DecoderPositions.Position"/>), so every step issues the same kernels on the same tensors and can be captured
/// once as a CUDA graph. Attention reads all <c>capacity</c> slots; <see cref="DecoderPositions.Mask"/> blocks the unwritten
/// ones. The slots start at zero: a blocked slot's weight is exactly 0, and 0 × an uninitialised NaN would not be.
/// </summary>
public sealed class PreallocatedKeyValueCache(DecoderPositions positions) : IKeyValueCache
{
    private Tensor? _keys;
    private Tensor? _values;

    public Tensor Keys => _keys ?? throw new InvalidOperationException("the cache is empty");
    public Tensor Values => _values ?? throw new InvalidOperationException("the cache is empty");

    public void Append(Tensor keys, Tensor values)
    {
        if (keys.shape[2] != 1) throw new ArgumentException("a preallocated cache takes one position per step", nameof(keys));
        // Allocated at the first (eager) step, when the shapes are known; a capture only ever writes into them.
        _keys ??= zeros([keys.shape[0], keys.shape[1], positions.Capacity, keys.shape[3]], keys.dtype, keys.device).DetachFromDisposeScope();
        _values ??= zeros([values.shape[0], values.shape[1], positions.Capacity, values.shape[3]], values.dtype, values.device).DetachFromDisposeScope();
        _keys.index_copy_(2, positions.Position, keys);
        _values.index_copy_(2, positions.Position, values);
    }

    public void Dispose()
    {
        _keys?.Dispose();
        _values?.Dispose();
        _keys = null;
        _values = null;
    }
}
