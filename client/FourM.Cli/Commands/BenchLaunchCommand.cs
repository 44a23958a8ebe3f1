using System.Diagnostics;
using System.Globalization;
using FourM.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Cli.Commands;

/// <summary>
/// Host cost of one libtorch call from .NET: microseconds per call of a small kernel (add), a view (narrow) and a small
/// linear, from 1..N threads at once (aggregate calls per second). Small-batch generation steps are bound by this cost, so it
/// says whether a step can get faster by issuing from more threads. bench/launch_probe.py measures the same calls from Python.
/// </summary>
public sealed class BenchLaunchCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["bench", "launch"];
    public string Usage => "bench launch [--device cuda|cpu] [--threads 1,2,4] [--calls 20000]";
    public string Summary => "microseconds per libtorch call (kernel, view, linear) from one or more threads";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        var deviceName = cl.Get("device", cuda.is_available() ? "cuda" : "cpu");
        if (deviceName is not ("cuda" or "cpu")) throw new UsageException($"--device must be cuda or cpu, not '{deviceName}'");
        if (deviceName == "cuda" && !cuda.is_available()) throw new UsageException("--device cuda: CUDA is not available on this machine");
        var device = torch.device(deviceName);
        var threadCounts = cl.GetIntList("threads", [1, 2, 4]);
        int calls = cl.GetInt("calls", 20000);
        if (calls < 100 || threadCounts.Any(t => t < 1)) throw new UsageException("--calls must be at least 100 and --threads positive");

        Console.WriteLine($"# fourm bench launch: device {deviceName}, {calls} calls per thread, bf16 operands (64x768)");
        Console.WriteLine($"{"op",-8}{"threads",8}{"us/call/thread",16}{"aggregate us/call",19}");
        foreach (var op in new[] { "add", "narrow", "linear" })
            foreach (var threads in threadCounts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double seconds = Run(op, threads, calls, device);
                double perThread = seconds / calls * 1e6;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{op,-8}{threads,8}{perThread,16:F2}{perThread / threads,19:F2}"));
            }
        if (device.type == DeviceType.CUDA)
        {
            // A host→device copy made while the stream is busy: if the call waits for the queued work, every small index or mask
            // copied mid-step stalls the host until the GPU drains (CUDA may sync the stream for pageable memory).
            foreach (var pinned in new[] { false, true })
            {
                var (queuedMs, copyMs) = CopyBehindQueuedWork(device, pinned);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"copy {(pinned ? "pinned  " : "pageable")} 8 KiB behind {queuedMs:F1} ms of queued GPU work: the call took {copyMs:F3} ms"));
            }
        }
        return Task.FromResult(0);
    }

    private static (double QueuedMs, double CopyMs) CopyBehindQueuedWork(Device device, bool pinned)
    {
        using var scope = NewDisposeScope();
        var a = torch.randn(8192, 8192, dtype: ScalarType.BFloat16, device: device);
        a.matmul(a);
        MatmulProbe.Synchronize(device);
        var data = Enumerable.Range(0, 1024).Select(i => (long)i).ToArray();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 10; i++) a.matmul(a);
        MatmulProbe.Synchronize(device);
        double queuedMs = watch.Elapsed.TotalMilliseconds;
        for (int i = 0; i < 10; i++) a.matmul(a);
        var host = torch.tensor(data);
        if (pinned) host = host.pin_memory();
        watch.Restart();
        var copy = host.to(device, non_blocking: true);
        double copyMs = watch.Elapsed.TotalMilliseconds;
        MatmulProbe.Synchronize(device);
        if (copy.sum().item<long>() != data.Sum()) throw new InvalidOperationException("the copy lost data");
        return (queuedMs, copyMs);
    }

    /// <summary>Wall seconds for every thread to make its calls (after a warm-up), synchronised at both ends.</summary>
    private static double Run(string op, int threads, int calls, Device device)
    {
        using var start = new Barrier(threads + 1);
        using var done = new CountdownEvent(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            using var scope = NewDisposeScope();
            var x = torch.randn(64, 768, dtype: ScalarType.BFloat16, device: device);
            var w = torch.randn(768, 768, dtype: ScalarType.BFloat16, device: device);
            Loop(op, x, w, 200);
            MatmulProbe.Synchronize(device);
            start.SignalAndWait();
            Loop(op, x, w, calls);
            MatmulProbe.Synchronize(device);
            done.Signal();
        }) { IsBackground = true }).ToList();
        foreach (var worker in workers) worker.Start();
        start.SignalAndWait();
        var watch = Stopwatch.StartNew();
        done.Wait();
        var seconds = watch.Elapsed.TotalSeconds;
        foreach (var worker in workers) worker.Join();
        return seconds;
    }

    private static void Loop(string op, Tensor x, Tensor w, int calls)
    {
        // Results are disposed in blocks, as a step's dispose scope does.
        for (int done = 0; done < calls; done += 100)
        {
            using var scope = NewDisposeScope();
            for (int i = 0; i < 100; i++)
            {
                _ = op switch
                {
                    "add" => x.Plus(x),
                    "narrow" => x.narrow(0, 0, 32),
                    _ => nn.functional.linear(x, w),
                };
            }
        }
    }

}
