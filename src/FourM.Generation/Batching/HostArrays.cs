using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Copies a tensor's elements into a managed array with one memory copy. TorchSharp's <c>data&lt;T&gt;().ToArray()</c>
/// walks the elements one by one (and asks native code for the element count as it goes): on (rows, vocabulary) logits
/// that costs more than the sort it feeds.
/// </summary>
public static class HostArrays
{
    public static T[] ToArray<T>(Tensor tensor) where T : unmanaged
    {
        using var scope = NewDisposeScope();
        var host = tensor.device_type == DeviceType.CPU ? tensor.contiguous() : tensor.cpu().contiguous();
        return MemoryMarshal.Cast<byte, T>(host.bytes).ToArray();
    }
}
