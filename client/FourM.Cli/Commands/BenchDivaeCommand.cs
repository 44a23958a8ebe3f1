using FourM.ImageTokenizers.Benchmarks;

namespace FourM.Cli.Commands;

/// <summary><c>fourm bench divae</c>: DiVAE decode throughput (random-weight UNet, full DDPM loop); baseline: bench/pytorch_unet.py.</summary>
public sealed class BenchDivaeCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["bench", "divae"];
    public string Usage =>
        "bench divae [--batch 1,32] [--steps 25] [--device cuda] [--dtype bf16] [--size 224] [--model-channels 256] [--res-blocks 3] [--channel-mult 1,2,2,2] [--attention 4,8] [--warmup 1] [--iterations 3]";
    public string Summary => "measure DiVAE decode throughput in images/s";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        var (device, dtype) = ImageCommandOptions.Target(cl);
        var settings = new DiffusionBenchmarkSettings(
            ImageSize: cl.GetInt("size", 224),
            ModelChannels: cl.GetInt("model-channels", 256),
            ResBlocks: cl.GetInt("res-blocks", 3),
            AttentionResolutions: cl.GetIntList("attention", [4, 8]),
            ChannelMultipliers: cl.GetIntList("channel-mult", [1, 2, 2, 2]),
            Steps: cl.GetInt("steps", 25),
            Warmup: cl.GetInt("warmup", 1),
            Iterations: cl.GetInt("iterations", 3));
        if (settings.ImageSize % settings.TokenPatch != 0) throw new UsageException($"--size must be a multiple of {settings.TokenPatch}");
        var batches = cl.GetIntList("batch", [1, 32]);
        foreach (var result in DiffusionDecodeBenchmark.Run(settings, batches, device, dtype))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Console.WriteLine(DiffusionDecodeBenchmark.Format("torchsharp", settings, result, device, dtype));
        }
        return Task.FromResult(0);
    }
}
