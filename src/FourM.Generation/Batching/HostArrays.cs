using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Host-side access to CPU tensor memory for the managed parts of sampling. TorchSharp's <c>data&lt;T&gt;().ToArray()</c>
/// walks the elements one by one (and asks native code for the element count as it goes) and allocates: on
/// (rows, vocabulary) logits that cost more than the sort it fed.
/// </summary>
public static class HostArrays
{
    /// <summary>
    /// The elements of a contiguous CPU tensor, in place: no copy and no managed allocation (hot paths, where per-step
    /// arrays of logits size would keep the garbage collector busy). Valid while the tensor lives and is not resized.
    /// </summary>
    public static Span<T> Span<T>(Tensor tensor) where T : unmanaged
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("only a contiguous CPU tensor can be viewed in place", nameof(tensor));
        return MemoryMarshal.Cast<byte, T>(tensor.bytes);
    }
}
