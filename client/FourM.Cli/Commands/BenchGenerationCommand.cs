using System.Diagnostics;
using System.Globalization;
using FourM.Generation;
using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Generation.Requests;
using FourM.Model;
using FourM.Model.Configuration;
using FourM.Model.Modules;
using FourM.Model.Runtime.CudaGraphs;
using FourM.Tokenizers.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Cli.Commands;

/// <summary>
/// Generation throughput with random 4M-7 weights: seconds per sample for each (size, batch, scenario), next to the reference
/// implementation's figures, after a bf16 matmul line that calibrates the device. Requests of a batch run in lockstep through
/// one <see cref="StepBatchRunner"/>, each with its own seed.
/// </summary>
public sealed class BenchGenerationCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["bench", "generate"];
    public string Usage => "bench generate [--sizes B,L,XL] [--batch 1,8,32] [--scenario t2i,rgb2x] [--dtype bf16|fp32|fp16] [--device cuda|cpu] " +
                           NumericsOptions.Usage + " [--attention-deviation] [--mlp-deviation] [--runs 1] [--matmul 8192] [--seed 0] [--profile] [--dim D] [--depth N] [--sdpa flash,efficient,cudnn,math] [--pass-cost-tokens N] [--packed on|off] [--lanes 1] [--staging pinned|pageable] [--ar-decoding graphs|growing|preallocated] [--ar-deviation] [--profile-unsynced] [--decoder-graphs on|off] [--decoder-graphs-deviation] [--pass-graphs-check] [--encoder-graphs on|off] [--graph-capacity 64] [--graph-pool shared|private]";
    public string Summary => "seconds per generated sample (text-to-image, rgb-to-all) vs the reference, random 4M-7 weights";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "attention-deviation", "mlp-deviation", "profile", "profile-unsynced", "ar-deviation", "decoder-graphs-deviation" });
        var device = ParseDevice(cl.Get("device", cuda.is_available() ? "cuda" : "cpu"));
        var dtype = ParseDtype(cl.Get("dtype", device.type == DeviceType.CUDA ? "bf16" : "fp32"));
        var sizes = (cl.Get("sizes") ?? "B,L,XL").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var batches = cl.GetIntList("batch", [1, 8, 32]);
        var scenarios = (cl.Get("scenario") ?? "t2i,rgb2x").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var s in scenarios)
            if (!GenerationBenchmarkScenarios.Names.Contains(s)) throw new UsageException($"unknown scenario '{s}' (t2i, rgb2x)");
        if (batches.Any(b => b < 1)) throw new UsageException("--batch values must be positive");
        var kernel = NumericsOptions.Attention(cl);
        var mlpLayout = NumericsOptions.Mlp(cl);
        int runs = cl.GetInt("runs", 1);
        int matmul = cl.GetInt("matmul", device.type == DeviceType.CUDA ? 8192 : 1024);
        long seed = cl.GetInt("seed", 0);
        // Fixed cost of a padded pass in tokens (LengthGroups); default: the runner's per-device value.
        double? passCost = cl.Has("pass-cost-tokens") ? cl.GetInt("pass-cost-tokens", 0) : null;
        // Lanes: the batch split across that many threads, each issuing its own share of the steps (host-bound steps only
        // get faster if libtorch calls from several threads overlap).
        int lanes = cl.GetInt("lanes", 1);
        if (lanes < 1) throw new UsageException("--lanes must be positive");
        if (lanes > 1 && (cl.Has("profile") || cl.Has("profile-unsynced"))) throw new UsageException("--profile times one thread's phases; use it with --lanes 1");
        DeviceArrays.PinnedStaging = cl.Get("staging", "pinned") switch
        {
            "pinned" => true,
            "pageable" => false,
            var other => throw new UsageException($"--staging must be pinned or pageable, not '{other}'"),
        };
        var parsedSizes = sizes.Select(s => (Label: SizeLabel(s), Size: ParseSize(s))).ToList();

        var arDecoding = NumericsOptions.Autoregressive(cl) ?? new StepRunnerOptions().AutoregressiveDecoding;
        var sdpa = cl.Get("sdpa")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Console.WriteLine($"device {device} ({(device.type == DeviceType.CUDA ? "CUDA" : $"{Environment.ProcessorCount} CPU threads")}), dtype {dtype}, attention {kernel?.ToString() ?? $"default ({FourMModel.DefaultKernel(device.type)})"}, mlp {mlpLayout?.ToString() ?? $"default ({FourMModel.DefaultMlpLayout(device.type)})"}, packed encoder {NumericsOptions.Packed(cl)?.ToString() ?? "default"}, {(DeviceArrays.PinnedStaging ? "pinned" : "pageable")} staging, autoregressive {NumericsOptions.Describe(arDecoding, device.type)}{(CudaGraph.Unsupported is { } why && device.type == DeviceType.CUDA ? $" (graphs unavailable: {why})" : "")}, {runs} timed run(s) after a warm-up");
        Console.WriteLine(MatmulLine(matmul, device));

        var captionTokens = TextTokenizer.Default.EncodeIds("a photo of a red house by a lake at sunset [EOS]").Select(x => (long)x).ToArray();
        var pixels = torch.randn(3 * 224 * 224, generator: new Generator(1234)).data<float>().ToArray();
        foreach (var (label, size) in parsedSizes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var model = FourMModel.CreateRandom(Config(size, cl), 7, dtype, device);
            var defaultKernel = model.Kernel;
            var defaultLayout = model.MlpLayout;
            if (cl.Has("attention-deviation"))
                Console.WriteLine(Deviation(model, $"attention fused vs exact, {label}", captionTokens, pixels,
                    m => m.Kernel = AttentionKernel.Exact, m => m.Kernel = AttentionKernel.Fused));
            if (cl.Has("mlp-deviation"))
                Console.WriteLine(Deviation(model, $"mlp aligned vs reference, {label}", captionTokens, pixels,
                    m => m.MlpLayout = MlpLayout.Reference, m => m.MlpLayout = MlpLayout.Aligned));
            model.MlpLayout = mlpLayout ?? defaultLayout;
            model.Kernel = kernel ?? defaultKernel;
            // After the model's own choice (fused on CUDA turns cuDNN attention off), so an explicit set wins.
            if (sdpa is not null) FusedAttentionBackends.Enable(sdpa);
            if (model.Kernel == AttentionKernel.Fused) Console.WriteLine($"{label}: fused attention may use {FusedAttentionBackends.Describe()}");
            // --profile-unsynced: the same phases without waiting for the device at their ends (host time, blocking included).
            var profile = cl.Has("profile") ? new StepProfile(device) : cl.Has("profile-unsynced") ? new StepProfile(device, synchronizes: false) : null;
            var network = new FourMModelNetwork(model);
            network.PacksEncoderTokens = NumericsOptions.Packed(cl) ?? network.PacksEncoderTokens;
            network.DecoderPassGraphs = NumericsOptions.DecoderGraphs(cl) ?? network.DecoderPassGraphs;
            network.EncoderPassGraphs = NumericsOptions.EncoderGraphs(cl) ?? network.EncoderPassGraphs;
            NumericsOptions.ApplyGraphCapacity(cl, network);
            if (lanes > 1 && (network.DecoderPassGraphs || network.EncoderPassGraphs))
            {
                // The graphs' buffers belong to the one thread that owns a device; lanes share this network across threads.
                network.DecoderPassGraphs = network.EncoderPassGraphs = false;
                Console.WriteLine($"{label}: pass graphs off (--lanes {lanes} issues from several threads)");
            }
            var runners = Enumerable.Range(0, lanes)
                .Select(_ => new StepBatchRunner(network, options: new StepRunnerOptions { Profile = profile, PassCostTokens = passCost, AutoregressiveDecoding = arDecoding })).ToList();
            if (cl.Has("ar-deviation")) Console.WriteLine(AutoregressiveDeviation(network, label, pixels, arDecoding));
            if (cl.Has("decoder-graphs-deviation")) Console.WriteLine(DecoderGraphsDeviation(model, label, captionTokens));
            if (cl.Has("pass-graphs-check")) Console.WriteLine(BenchPassGraphsCheck.Run(model, label));
            foreach (var scenario in scenarios)
                foreach (var batch in batches)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    GenerationRequest Build(int i, bool warmUp) => scenario == "t2i"
                        ? GenerationBenchmarkScenarios.TextToImage(seed + i, captionTokens, warmUp ? 0.05 : 1.0)
                        : GenerationBenchmarkScenarios.RgbToAll(seed + i, pixels, warmUp ? 4 : 40);
                    RunLanes(runners, Enumerable.Range(0, batch).Select(i => Build(i, warmUp: true)).ToList());
                    profile?.Reset();
                    var timings = new List<double>();
                    for (int r = 0; r < runs; r++)
                    {
                        var watch = Stopwatch.StartNew();
                        RunLanes(runners, Enumerable.Range(0, batch).Select(i => Build(i, warmUp: false)).ToList());
                        timings.Add(watch.Elapsed.TotalSeconds / batch);
                    }
                    Console.WriteLine(ResultLine(scenario, label, batch, timings.Order().ElementAt(timings.Count / 2)));
                    if (profile is not null) Console.WriteLine(ProfileLine(profile) + Environment.NewLine + "    passes: " + profile.PassSummary());
                    if (network.DecoderGraphs is { } graphs) Console.WriteLine("    decoder " + GraphCounts(graphs.Captures, graphs.Replays, graphs.Failure));
                    if (network.EncoderGraphs is { } encoderGraphs) Console.WriteLine("    encoder " + GraphCounts(encoderGraphs.Captures, encoderGraphs.Replays, encoderGraphs.Failure));
                }
        }
        return Task.FromResult(0);
    }

    /// <summary>
    /// The preset, optionally narrowed (<c>--dim</c>, heads of 64) or made shallower (<c>--depth</c>): a narrow model of a
    /// preset's depth on CPU measures the host work per step, which is what bounds small batches on a GPU.
    /// </summary>
    private static FourMConfig Config(FourMSize size, CommandLine cl)
    {
        var config = FourMPresets.Create(size, FourMVariant.SwiGluNoBias);
        if (cl.Get("dim") is not null)
        {
            int dim = cl.GetInt("dim", config.Dim);
            if (dim < 64 || dim % 64 != 0) throw new UsageException("--dim must be a positive multiple of 64");
            config = config with { Dim = dim, NumHeads = dim / 64 };
        }
        if (cl.Get("depth") is not null)
        {
            int depth = cl.GetInt("depth", config.EncoderDepth);
            if (depth < 1) throw new UsageException("--depth must be positive");
            config = config with { EncoderDepth = depth, DecoderDepth = depth };
        }
        return config;
    }

    /// <summary>"graphs: N captured, M replays", and why they went off if a capture failed.</summary>
    public static string GraphCounts(int captures, long replays, string? failure) =>
        $"graphs: {captures} captured, {replays} replays{(failure is null ? "" : $", off after: {failure}")}";

    /// <summary>
    /// Splits the requests into one contiguous share per runner and runs each share in lockstep on its own thread (one runner:
    /// on this thread). Each request draws from its own seed, so its tokens do not depend on the split.
    /// </summary>
    private static void RunLanes(IReadOnlyList<IStepBatchRunner> runners, IReadOnlyList<GenerationRequest> requests)
    {
        int lanes = Math.Min(runners.Count, requests.Count);
        if (lanes == 1)
        {
            RunLockstep(runners[0], requests);
            return;
        }
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, lanes).Select(lane =>
        {
            int from = requests.Count * lane / lanes, to = requests.Count * (lane + 1) / lanes;
            return new Thread(() =>
            {
                try { RunLockstep(runners[lane], requests.Skip(from).Take(to - from).ToList()); }
                catch (Exception ex) { failures.Enqueue(ex); }
            }) { IsBackground = true, Name = $"bench lane {lane}" };
        }).ToList();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        if (!failures.IsEmpty) throw new AggregateException(failures);
    }

    /// <summary>Runs every request to completion, one batched step of all unfinished requests at a time.</summary>
    public static void RunLockstep(IStepBatchRunner runner, IReadOnlyList<GenerationRequest> requests)
    {
        var sessions = requests.Select(r => new GenerationSession(r)).ToList();
        while (sessions.Any(s => !s.IsComplete))
        {
            var active = sessions.Where(s => !s.IsComplete).ToList();
            var results = runner.RunBatch(active.Select(s => s.NextJob()).ToList());
            for (int i = 0; i < active.Count; i++) active[i].Apply(results[i]);
        }
    }

    /// <summary>Milliseconds per lockstep step of each runner phase (profiled runs sync at every phase boundary).</summary>
    private static string ProfileLine(StepProfile profile) =>
        (profile.Synchronizes ? "    profile, ms/step over " : "    profile unsynced (host time, device waits inside), ms/step over ") + profile.Steps + " steps: " +
        string.Join(", ", profile.PerStep().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.MillisecondsPerStep:F2}"))) +
        "; of which issuing: " +
        string.Join(", ", profile.HostPerStep().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.MillisecondsPerStep:F2}"))) +
        string.Create(CultureInfo.InvariantCulture, $"; GC pause {profile.GcPauseMillisecondsPerStep:F2}") +
        "; tensors/step: " +
        string.Join(", ", profile.TensorsPerStep().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.TensorsPerStep:F0}")));

    private static string ResultLine(string scenario, string size, int batch, double secondsPerSample)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{scenario,-6} {size,-4} batch {batch,3}: {secondsPerSample,9:F4} s/sample");
        if (!GenerationBenchmarkScenarios.Reference.TryGetValue((scenario, size, batch), out var reference)) return line + "  (no reference figure)";
        double ratio = secondsPerSample / reference;
        string target = batch == 1 ? "target ≤ 0.40" : "target ≤ 0.33 (3× throughput)";
        return line + string.Create(CultureInfo.InvariantCulture, $"  reference {reference:F3} s, ratio {ratio:F3} ({target}), speed-up {1 / ratio:F2}×");
    }

    private static string MatmulLine(int n, Device device)
    {
        using var scope = NewDisposeScope();
        var a = torch.randn(n, n, dtype: ScalarType.BFloat16, device: device);
        var b = torch.randn(n, n, dtype: ScalarType.BFloat16, device: device);
        Sync(a.matmul(b));
        int iterations = device.type == DeviceType.CUDA ? 20 : 2;
        var watch = Stopwatch.StartNew();
        Tensor? c = null;
        for (int i = 0; i < iterations; i++) c = a.matmul(b);
        Sync(c!);
        double seconds = watch.Elapsed.TotalSeconds / iterations;
        return string.Create(CultureInfo.InvariantCulture, $"matmul bf16 {n}x{n}x{n}: {2.0 * n * n * (double)n / seconds / 1e12:F1} TFLOP/s ({seconds * 1e3:F2} ms)");
    }

    private static void Sync(Tensor t) => _ = t.narrow(0, 0, 1).to(ScalarType.Float32).sum().item<float>();

    /// <summary>
    /// A numerics variant (fused attention, aligned MLP) against its baseline on the first step of each scenario (guided ROAR):
    /// the largest logit difference and how often the argmax and the sampled token agree. Leaves the model at the baseline.
    /// </summary>
    private static string Deviation(FourMModel model, string title, long[] captionTokens, float[] pixels,
        Action<FourMModel> baseline, Action<FourMModel> variant)
    {
        var lines = new List<string>();
        foreach (var (name, request) in new[]
                 {
                     ("t2i", GenerationBenchmarkScenarios.TextToImage(11, captionTokens)),
                     ("rgb2x", GenerationBenchmarkScenarios.RgbToAll(11, pixels)),
                 })
        {
            var job = new GenerationSession(request).NextJob();
            baseline(model);
            var (baseLogits, baseTokens) = FirstStep(model, job);
            variant(model);
            var (variantLogits, variantTokens) = FirstStep(model, job);
            using var diff = (baseLogits - variantLogits).abs();
            double maxDiff = diff.max().item<float>(), meanDiff = diff.mean().item<float>();
            using var argmaxAgree = baseLogits.argmax(-1).eq(variantLogits.argmax(-1)).to(ScalarType.Float32).mean();
            double tokensAgree = baseTokens.Zip(variantTokens).Count(p => p.First == p.Second) / (double)baseTokens.Length;
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{title} {name} step 0: max |Δlogit| {maxDiff:E2}, mean {meanDiff:E2}, argmax agree {argmaxAgree.item<float>() * 100:F1}%, sampled tokens agree {tokensAgree * 100:F1}%"));
            baseLogits.Dispose();
            variantLogits.Dispose();
        }
        baseline(model);
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// <paramref name="variant"/> against the growing cache on whole RGB→X requests (8 seeds, batch 1): how many captions come
    /// out identical, and the largest difference of the caption's guided logits up to each caption's first differing token.
    /// </summary>
    private static string AutoregressiveDeviation(FourMModelNetwork network, string label, float[] pixels, AutoregressiveDecoding variant)
    {
        const int seeds = 8;
        int identical = 0;
        double maxDiff = 0;
        long tokens = 0, agreeing = 0;
        for (long seed = 0; seed < seeds; seed++)
        {
            using var scope = NewDisposeScope();
            var (baseTokens, baseLogits) = Caption(network, GenerationBenchmarkScenarios.RgbToAll(100 + seed, pixels), AutoregressiveDecoding.GrowingCache);
            var (variantTokens, variantLogits) = Caption(network, GenerationBenchmarkScenarios.RgbToAll(100 + seed, pixels), variant);
            if (baseTokens.SequenceEqual(variantTokens)) identical++;
            int same = baseTokens.Zip(variantTokens).TakeWhile(p => p.First == p.Second).Count();
            tokens += baseTokens.Length;
            agreeing += same;
            // Logits of token t are computed from tokens < t: comparable while the prefixes agree.
            for (int t = 0; t < Math.Min(same + 1, Math.Min(baseLogits.Count, variantLogits.Count)); t++)
                maxDiff = Math.Max(maxDiff, (baseLogits[t] - variantLogits[t]).abs().max().item<float>());
            foreach (var l in baseLogits.Concat(variantLogits)) l.Dispose();
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"autoregressive {variant} vs growing cache, {label}, RGB→X caption, {seeds} seeds: identical {identical}/{seeds}, common prefix {agreeing}/{tokens} tokens, max |Δlogit| before divergence {maxDiff:E2}");
    }

    /// <summary>
    /// Whole text-to-image requests (4 seeds, batch 1) with decoder pass graphs against plain passes: identical token grids and
    /// the share of equal tokens.
    /// </summary>
    private static string DecoderGraphsDeviation(FourMModel model, string label, long[] captionTokens)
    {
        const int seeds = 4;
        int identical = 0;
        long tokens = 0, equal = 0;
        var plain = new FourMModelNetwork(model) { DecoderPassGraphs = false };
        var graphed = new FourMModelNetwork(model) { DecoderPassGraphs = true };
        try
        {
            for (long seed = 0; seed < seeds; seed++)
            {
                var request = GenerationBenchmarkScenarios.TextToImage(200 + seed, captionTokens);
                var expected = new FourMGenerator(new StepBatchRunner(plain)).Generate(request);
                var actual = new FourMGenerator(new StepBatchRunner(graphed)).Generate(request);
                bool same = true;
                foreach (var target in new[] { "tok_clip@224", "tok_rgb@224" })
                {
                    var (a, b) = (expected[target].Tokens, actual[target].Tokens);
                    tokens += a.Length;
                    equal += a.Zip(b).Count(p => p.First == p.Second);
                    same &= a.SequenceEqual(b);
                }
                if (same) identical++;
            }
            var graphs = graphed.DecoderGraphs;
            return string.Create(CultureInfo.InvariantCulture,
                $"decoder graphs vs plain passes, {label}, T2I, {seeds} seeds: identical {identical}/{seeds}, equal tokens {equal}/{tokens} ({100.0 * equal / tokens:F1}%), {graphs?.Captures ?? 0} captures, {graphs?.Replays ?? 0} replays{(graphs?.Failure is { } f ? $", failed: {f}" : "")}");
        }
        finally
        {
            graphed.DecoderPassGraphs = false;
        }
    }

    private static (long[] Tokens, List<Tensor> Logits) Caption(FourMModelNetwork network, GenerationRequest request, AutoregressiveDecoding decoding)
    {
        var logits = new List<Tensor>();
        var runner = new StepBatchRunner(network, options: new StepRunnerOptions
        {
            AutoregressiveDecoding = decoding,
            TokenLogitsObserver = (_, _, l) => logits.Add(l.to(ScalarType.Float32).cpu().DetachFromDisposeScope()),
        });
        var session = new GenerationSession(request);
        while (!session.IsComplete) session.Apply(runner.RunBatch([session.NextJob()])[0]);
        return (session.State["caption"].Tokens, logits);
    }

    private static (Tensor Logits, long[] Tokens) FirstStep(FourMModel model, StepJob job)
    {
        Tensor? captured = null;
        var runner = new StepBatchRunner(new FourMModelNetwork(model), options: new StepRunnerOptions
        {
            ImageLogitsObserver = (_, _, logits) => captured = logits.to(ScalarType.Float32).cpu().DetachFromDisposeScope(),
        });
        var result = runner.RunBatch([job])[0];
        return (captured!, result.State[job.Step.TargetDomain].Tokens);
    }

    private static Device ParseDevice(string text) => text switch
    {
        "cpu" => CPU,
        "cuda" => cuda.is_available() ? CUDA : throw new UsageException("--device cuda: CUDA is not available on this machine"),
        _ when text.StartsWith("cuda:", StringComparison.Ordinal) => cuda.is_available() ? torch.device(text) : throw new UsageException("CUDA is not available"),
        _ => throw new UsageException($"--device must be cpu or cuda, not '{text}'"),
    };

    private static ScalarType ParseDtype(string text) => text switch
    {
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" => ScalarType.Float16,
        "fp32" or "float32" => ScalarType.Float32,
        _ => throw new UsageException($"--dtype must be bf16, fp16 or fp32, not '{text}'"),
    };

    private static FourMSize ParseSize(string text)
    {
        try { return FourMPresets.ParseSize(text); }
        catch (FormatException ex) { throw new UsageException(ex.Message); }
    }

    private static string SizeLabel(string text) => ParseSize(text) switch
    {
        FourMSize.Base => "B",
        FourMSize.Large => "L",
        FourMSize.XLarge => "XL",
        FourMSize.Small => "S",
        _ => "tiny",
    };
}
