using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// The write position and the self-attention mask shared by the decoder layers' <see cref="PreallocatedKeyValueCache"/>s,
/// both on the device: a step opens the position's slot, every layer writes there, then the position moves on, without the
/// host supplying anything (so the step can be replayed from a CUDA graph).
/// </summary>
public sealed class DecoderPositions : IDisposable
{
    /// <summary>Row alignment (elements) the memory-efficient attention kernel wants (as <see cref="FusedAttentionMask"/>).</summary>
    private const long Alignment = 16;

    private readonly Scalar _open;
    private readonly Scalar _one = 1L.ToScalar();

    public DecoderPositions(long capacity, AttentionKernel kernel, ScalarType dtype, Device device)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), "a preallocated cache needs at least one slot");
        Capacity = capacity;
        Position = zeros([1], ScalarType.Int64, device).DetachFromDisposeScope();
        if (kernel == AttentionKernel.Fused)
        {
            // Additive, as FusedAttentionMask builds it: −inf blocked, 0 open; rows 16-aligned in memory.
            long padded = (capacity + Alignment - 1) / Alignment * Alignment;
            using var storage = zeros([1, 1, 1, padded], dtype, device);
            using var negativeInfinity = double.NegativeInfinity.ToScalar();
            Mask = storage.narrow(-1, 0, capacity).fill_(negativeInfinity).DetachFromDisposeScope();
            _open = 0.0.ToScalar();
        }
        else
        {
            Mask = ones([1, 1, 1, capacity], ScalarType.Bool, device).DetachFromDisposeScope();   // True = blocked
            _open = false.ToScalar();
        }
    }

    public long Capacity { get; }

    /// <summary>(1) int64: the slot the next step writes.</summary>
    public Tensor Position { get; }

    /// <summary>(1,1,1,capacity) in the attention kernel's form: the slots written so far (and the current one) are open.</summary>
    public Tensor Mask { get; }

    /// <summary>Opens the current slot to attention (before the layers write it).</summary>
    public void Open() => Mask.index_fill_(-1, Position, _open);

    /// <summary>Moves to the next slot (after every layer wrote this one).</summary>
    public void Advance() => Position.add_(_one);

    public void Dispose()
    {
        Position.Dispose();
        Mask.Dispose();
        _open.Dispose();
        _one.Dispose();
    }
}
