using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Runtime;

/// <summary>Parses the device and dtype names the CLI and configuration use (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>; <c>fp32</c>, <c>bf16</c>, <c>fp16</c>).</summary>
public static class TorchTargets
{
    public static Device ParseDevice(string text)
    {
        var device = text.Trim().ToLowerInvariant() switch
        {
            "cpu" => CPU,
            var cuda when cuda.StartsWith("cuda", StringComparison.Ordinal) => new Device(cuda),
            _ => throw new ArgumentException($"unknown device '{text}' (cpu, cuda, cuda:N)"),
        };
        if (device.type == DeviceType.CUDA && !cuda.is_available())
            throw new ArgumentException("CUDA was requested but is not available (is this the CPU build of TorchSharp, or is no GPU visible?)");
        return device;
    }

    public static ScalarType ParseDType(string text) => text.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "float" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" or "half" => ScalarType.Float16,
        _ => throw new ArgumentException($"unknown dtype '{text}' (fp32, bf16, fp16)"),
    };

    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => dtype.ToString(),
    };
}
