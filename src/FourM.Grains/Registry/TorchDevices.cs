using TorchSharp;

namespace FourM.Grains.Registry;

/// <summary>Serving device names (<c>cpu:0</c>, <c>cuda:1</c>) as TorchSharp devices.</summary>
public static class TorchDevices
{
    public static torch.Device Parse(string device)
    {
        var parts = device.Split(':');
        var index = parts.Length == 2 && int.TryParse(parts[1], out var i) && i >= 0 ? i
            : parts.Length == 1 ? 0
            : throw new ArgumentException($"device '{device}' must be cpu:<n> or cuda:<n>");
        return TypeOf(device) == DeviceType.CUDA ? Cuda(index) : torch.CPU;
    }

    /// <summary>The kind of a device name, without initialising it (CUDA need not be present to ask).</summary>
    public static DeviceType TypeOf(string device) => device.Split(':')[0].ToLowerInvariant() switch
    {
        "cpu" => DeviceType.CPU,
        "cuda" => DeviceType.CUDA,
        _ => throw new ArgumentException($"device '{device}' must be cpu:<n> or cuda:<n>"),
    };

    public static torch.ScalarType DType(string dtype) => dtype switch
    {
        "float32" => torch.ScalarType.Float32,
        "bfloat16" => torch.ScalarType.BFloat16,
        "float16" => torch.ScalarType.Float16,
        _ => throw new ArgumentException($"dtype '{dtype}' must be float32, bfloat16 or float16"),
    };

    private static torch.Device Cuda(int index)
    {
        torch.InitializeDeviceType(DeviceType.CUDA);
        if (!torch.cuda.is_available()) throw new InvalidOperationException("a cuda device is configured but CUDA is not available to TorchSharp (see docs/operations.md, GPU)");
        return new torch.Device(DeviceType.CUDA, index);
    }
}
