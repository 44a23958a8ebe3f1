using System.Diagnostics;
using FourM.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Cli.Commands;

/// <summary>Prints what TorchSharp sees on this machine and a bf16 matmul figure, so benchmark runs on different days compare.</summary>
public sealed class DeviceCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["device"];
    public string Usage => "device [--device cpu|cuda] [--size 8192] [--iters 20]";
    public string Summary => "show the torch device and measure bf16 matmul TFLOP/s";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        var deviceName = cl.Get("device", "cuda");
        if (deviceName == "cuda") torch.InitializeDeviceType(DeviceType.CUDA);
        Console.WriteLine($"torch: cuda available={torch.cuda.is_available()} devices={torch.cuda.device_count()} threads={torch.get_num_threads()}");
        if (deviceName == "cuda" && !torch.cuda.is_available())
        {
            Console.Error.WriteLine("CUDA is not available");
            return Task.FromResult(1);
        }
        var device = torch.device(deviceName);
        int n = cl.GetInt("size", deviceName == "cuda" ? 8192 : 1024);
        int iters = cl.GetInt("iters", deviceName == "cuda" ? 20 : 3);
        Console.WriteLine($"matmul bf16 {n}x{n}x{n}: {MatmulProbe.MeasureTflops(device, n, iters):F1} TFLOP/s");
        if (device.type == DeviceType.CUDA)
        {
            // Asked from another thread, as the silo's metrics collector asks (the fourm.gpu.memory_used_bytes gauge).
            var used = Task.Run(() => DeviceMemory.UsedBytes($"cuda:{Math.Max(0, (int)device.index)}")).GetAwaiter().GetResult();
            Console.WriteLine(used is { } bytes ? $"device memory in use (driver, every process): {bytes / 1e9:F2} GB" : "device memory in use: unknown (no CUDA driver answer)");
        }
        return Task.FromResult(0);
    }
}

/// <summary>bf16 square matmul throughput, the reference figure every GPU benchmark prints first.</summary>
public static class MatmulProbe
{
    public static double MeasureTflops(Device device, int n, int iters)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var a = torch.randn(new long[] { n, n }, dtype: ScalarType.BFloat16, device: device);
        var b = torch.randn(new long[] { n, n }, dtype: ScalarType.BFloat16, device: device);
        for (int i = 0; i < 3; i++) a.matmul(b).Dispose();
        Synchronize(device);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iters; i++) a.matmul(b).Dispose();
        Synchronize(device);
        return 2.0 * n * (double)n * n * iters / sw.Elapsed.TotalSeconds / 1e12;
    }

    public static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
