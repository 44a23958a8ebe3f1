using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Host arrays copied to the device without waiting for it. A plain <c>torch.tensor(array, device: cuda)</c> synchronises the
/// stream after the copy, so every small index or mask built mid-step would stall the host until all queued kernels finish.
/// A non-blocking copy from pageable memory is staged by the driver before the call returns, so the host array and its CPU
/// tensor may be released at once.
/// </summary>
public static class DeviceArrays
{
    public static Tensor Copy(long[] data, long[] shape, Device device)
    {
        if (device.type == DeviceType.CPU) return torch.tensor(data, shape);
        using var host = torch.tensor(data, shape);
        return host.to(device, non_blocking: true);
    }

    public static Tensor Copy(bool[] data, long[] shape, Device device)
    {
        if (device.type == DeviceType.CPU) return torch.tensor(data, shape);
        using var host = torch.tensor(data, shape);
        return host.to(device, non_blocking: true);
    }

    public static Tensor Copy(float[] data, long[] shape, Device device)
    {
        if (device.type == DeviceType.CPU) return torch.tensor(data, shape);
        using var host = torch.tensor(data, shape);
        return host.to(device, non_blocking: true);
    }

    public static Tensor Copy(long[] data, Device device) => Copy(data, [data.LongLength], device);
}
