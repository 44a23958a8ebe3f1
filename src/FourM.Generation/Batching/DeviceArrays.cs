using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Host arrays copied to the device without waiting for it. A plain <c>torch.tensor(array, device: cuda)</c> synchronises the
/// stream after the copy, and even a non-blocking copy from pageable memory may make the driver wait for the stream before
/// staging it, so every small index or mask built mid-step could stall the host until all queued kernels finish. The arrays
/// are therefore staged in pinned memory: the copy is then truly asynchronous, and libtorch's pinned-memory cache keeps the
/// staging block from reuse until the copy has run, so the host tensors may be released at once.
/// </summary>
public static class DeviceArrays
{
    /// <summary>Stage copies in pinned memory (the default). Off: pageable staging, kept for A/B measurements.</summary>
    public static bool PinnedStaging { get; set; } = true;

    public static Tensor Copy(long[] data, long[] shape, Device device) =>
        device.type == DeviceType.CPU ? torch.tensor(data, shape) : ToDevice(torch.tensor(data, shape), device);

    public static Tensor Copy(bool[] data, long[] shape, Device device) =>
        device.type == DeviceType.CPU ? torch.tensor(data, shape) : ToDevice(torch.tensor(data, shape), device);

    public static Tensor Copy(float[] data, long[] shape, Device device) =>
        device.type == DeviceType.CPU ? torch.tensor(data, shape) : ToDevice(torch.tensor(data, shape), device);

    public static Tensor Copy(long[] data, Device device) => Copy(data, [data.LongLength], device);

    private static Tensor ToDevice(Tensor host, Device device)
    {
        using (host)
        {
            if (!PinnedStaging) return host.to(device, non_blocking: true);
            using var pinned = host.pin_memory();
            return pinned.to(device, non_blocking: true);
        }
    }
}
