using System.Diagnostics;
using System.Globalization;
using FourM.Model;
using FourM.Model.Configuration;
using FourM.Model.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Cli.Commands;

/// <summary>
/// Forward-pass latency of randomly initialised 4M-7 models (see <see cref="BenchForwardWorkload"/>): median milliseconds per
/// forward with device synchronisation, after a bf16 matmul probe. bench/pytorch_forward.py prints the same table.
/// </summary>
public sealed class BenchForwardCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["bench", "forward"];

    public string Usage => "bench forward [--sizes B,L,XL] [--batch 1,8,32] [--dtype bf16|fp16|fp32] [--device cuda|cpu] " +
                           "[--kernel exact|fused] " + NumericsOptions.MlpUsage + " [--iters 20] [--warmup 3] [--matmul-size 8192]";

    public string Summary => "median ms per 4M-7 forward (encoder 400 tokens, decoder 196) for random-weight presets";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        var sizes = cl.Get("sizes", "B,L,XL").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => (Label: s, Size: ParseSize(s))).ToList();
        var batches = cl.GetIntList("batch", [1, 8, 32]);
        var dtype = ParseDtype(cl.Get("dtype", "bf16"));
        var deviceName = cl.Get("device", "cuda");
        var kernel = NumericsOptions.Attention(cl, "kernel") ?? AttentionKernel.Exact;
        var mlpLayout = NumericsOptions.Mlp(cl);
        var iters = cl.GetInt("iters", deviceName == "cuda" ? 20 : 3);
        var warmup = cl.GetInt("warmup", deviceName == "cuda" ? 3 : 1);
        if (iters < 1 || warmup < 0) throw new UsageException("--iters must be at least 1 and --warmup non-negative");

        if (deviceName == "cuda")
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
            if (!torch.cuda.is_available())
            {
                Console.Error.WriteLine("CUDA is not available");
                return Task.FromResult(1);
            }
        }
        else if (deviceName != "cpu") throw new UsageException($"--device must be cuda or cpu, not '{deviceName}'");
        var device = torch.device(deviceName);
        var matmulSize = cl.GetInt("matmul-size", deviceName == "cuda" ? 8192 : 1024);

        Console.WriteLine($"# fourm bench forward: device {deviceName}, dtype {cl.Get("dtype", "bf16")}, kernel {kernel.ToString().ToLowerInvariant()}, " +
                          $"mlp {(mlpLayout ?? FourMModel.DefaultMlpLayout(device.type)).ToString().ToLowerInvariant()}, " +
                          $"encoder {BenchForwardWorkload.EncoderTokens} tokens, decoder {BenchForwardWorkload.DecoderTokens} tokens, warmup {warmup}, iters {iters}, input validation off");
        Console.WriteLine($"# matmul bf16 {matmulSize}^3: {MatmulProbe.MeasureTflops(device, matmulSize, deviceName == "cuda" ? 20 : 3):F1} TFLOP/s");
        Console.WriteLine($"{"size",-6}{"params_M",10}{"batch",7}{"median_ms",12}{"p10_ms",10}{"p90_ms",10}{"tokens_per_s",14}{"TFLOP/s",10}");
        foreach (var (label, size) in sizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var config = FourMPresets.Create(size, FourMVariant.SwiGluNoBias);
            using var model = FourMModel.CreateRandom(config, seed: 0, dtype, device);
            model.Kernel = kernel;
            if (mlpLayout is { } layout) model.MlpLayout = layout;
            // The inputs are valid by construction; id checks would add device round trips the PyTorch baseline does not make.
            model.ValidateInputs = false;
            var parameters = ParameterCount.Of(model).Total;
            foreach (var batch in batches)
            {
                var times = Measure(model, batch, warmup, iters, device);
                var median = Percentile(times, 0.5);
                var tokensPerSecond = batch * (BenchForwardWorkload.EncoderTokens + BenchForwardWorkload.DecoderTokens) / (median / 1000);
                var tflops = BenchForwardWorkload.Flops(config, batch) / (median / 1000) / 1e12;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{label,-6}{parameters / 1e6,10:F1}{batch,7}{median,12:F2}{Percentile(times, 0.1),10:F2}{Percentile(times, 0.9),10:F2}{tokensPerSecond,14:F0}{tflops,10:F2}"));
            }
        }
        return Task.FromResult(0);
    }

    private static List<double> Measure(FourMModel model, int batch, int warmup, int iters, Device device)
    {
        using var workload = new BenchForwardWorkload(model, batch);
        using var inference = torch.inference_mode();
        for (var i = 0; i < warmup; i++) workload.Run();
        MatmulProbe.Synchronize(device);
        var times = new List<double>(iters);
        for (var i = 0; i < iters; i++)
        {
            var watch = Stopwatch.StartNew();
            workload.Run();
            MatmulProbe.Synchronize(device);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        var position = q * (sorted.Count - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    private static FourMSize ParseSize(string text)
    {
        try
        {
            return FourMPresets.ParseSize(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private static ScalarType ParseDtype(string text) => text.ToLowerInvariant() switch
    {
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" or "half" => ScalarType.Float16,
        "fp32" or "float32" or "float" => ScalarType.Float32,
        _ => throw new UsageException($"--dtype must be bf16, fp16 or fp32, not '{text}'"),
    };
}
