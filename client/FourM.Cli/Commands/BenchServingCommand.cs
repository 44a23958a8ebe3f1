using System.Diagnostics;
using System.Globalization;
using FourM.Engine.Engine;
using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Grains.Hosting;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;
using FourM.Model.Modules;
using TorchSharp;

namespace FourM.Cli.Commands;

/// <summary>
/// <c>fourm bench serving</c>: N concurrent sessions (half text→image, half image→X) arriving staggered through an
/// in-process silo and client, against the same requests run one at a time and batched homogeneously by the generator.
/// </summary>
public sealed class BenchServingCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["bench", "serving"];
    public string Usage => "bench serving --model <path|tiny|B|L> [--sessions 1,8,32,64] [--device cpu|cuda] [--dtype fp32|bf16] [--workload mixed|t2i|rgb2x] [--stagger-ms 5] [--max-rows 128] [--max-delay-ms 25] [--threads N] [--seed 1000] [--warmup-sessions <cuda: max N, cpu: 0>] [--mode fused|colocated|disaggregated] [--repeats <cuda: 3, cpu: 1>] [--sequential-sample 8] [--length-buckets on|off] [--ar-hold-ms 1000] [--align-ms 1000] [--align-window 16] [--align-min-steps 8] [--lanes 8] [--chains on|off] [--interleave-sequences on|off] [--profile] [--batch-trace] [--pass-cost-tokens N] " + NumericsOptions.Usage + " [--packed on|off] [--ar-decoding graphs|growing|preallocated] [--decoder-graphs on|off] [--encoder-graphs on|off] [--graph-capacity 64] [--graph-pool shared|private]";
    public string Summary => "serving throughput/latency through Orleans vs sequential and homogeneous generator batching";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        var modelSpec = cl.Get("model") ?? throw new UsageException("--model is required (a checkpoint path, or tiny|B|L)");
        var sessionCounts = cl.GetIntList("sessions", [1, 8, 32, 64]);
        if (sessionCounts.Count == 0 || sessionCounts.Any(n => n < 1)) throw new UsageException("--sessions needs positive counts");
        var deviceKind = cl.Get("device", "cpu");
        if (deviceKind is not ("cpu" or "cuda")) throw new UsageException($"--device must be cpu or cuda, got '{deviceKind}'");
        var dtype = cl.Get("dtype", deviceKind == "cuda" ? "bf16" : "fp32") switch
        {
            "fp32" => torch.ScalarType.Float32,
            "bf16" => torch.ScalarType.BFloat16,
            var other => throw new UsageException($"--dtype must be fp32 or bf16, got '{other}'"),
        };
        // The targets are about the mixed workload; one kind alone through the same path separates the cost of mixing
        // from the cost of serving.
        var workloadKind = cl.Get("workload", "mixed");
        if (!BenchServingWorkload.Kinds.Contains(workloadKind)) throw new UsageException($"--workload must be {string.Join(", ", BenchServingWorkload.Kinds)}, got '{workloadKind}'");
        var stagger = TimeSpan.FromMilliseconds(cl.GetInt("stagger-ms", 5));
        var maxRows = cl.GetInt("max-rows", 128);
        var maxDelay = TimeSpan.FromMilliseconds(cl.GetInt("max-delay-ms", (int)new EngineOptions().MaxQueueDelay.TotalMilliseconds));
        var seed = cl.GetInt("seed", 1000);
        // One-at-a-time throughput does not depend on N: measure it on the first K requests (same seeds), 0 = all.
        var sequentialSample = cl.GetInt("sequential-sample", 8);
        var engineDefaults = new EngineOptions();
        var arHold = TimeSpan.FromMilliseconds(cl.GetInt("ar-hold-ms", (int)engineDefaults.AutoregressiveHold.TotalMilliseconds));
        var alignBudget = TimeSpan.FromMilliseconds(cl.GetInt("align-ms", (int)engineDefaults.StepAlignmentBudget.TotalMilliseconds));
        var alignWindow = cl.GetInt("align-window", engineDefaults.StepAlignmentWindow);
        var alignMinSteps = cl.GetInt("align-min-steps", engineDefaults.StepAlignmentMinSteps);
        var lanes = cl.GetInt("lanes", new FourMServingOptions().DeviceGrainLanes);
        if (lanes < 1) throw new UsageException($"--lanes must be at least 1, got {lanes}");
        var chainSteps = cl.Get("chains", new FourMServingOptions().ChainSteps ? "on" : "off") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new UsageException($"--chains must be on or off, got '{other}'"),
        };
        var interleave = cl.Get("interleave-sequences", engineDefaults.InterleaveSequenceDecodes ? "on" : "off") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new UsageException($"--interleave-sequences must be on or off, got '{other}'"),
        };
        var lengthBuckets = cl.Get("length-buckets", engineDefaults.BucketByLength ? "on" : "off") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new UsageException($"--length-buckets must be on or off, got '{other}'"),
        };
        var mode = cl.Get("mode", "fused") switch
        {
            "fused" => ServingMode.Fused,
            "colocated" => ServingMode.Colocated,
            "disaggregated" => ServingMode.Disaggregated,
            var other => throw new UsageException($"--mode must be fused, colocated or disaggregated, got '{other}'"),
        };
        if (cl.Has("threads")) torch.set_num_threads(cl.GetInt("threads", 1));

        torch.Device device;
        if (deviceKind == "cuda")
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
            if (!torch.cuda.is_available()) throw new UsageException("--device cuda: CUDA is not available to TorchSharp here");
            device = torch.CUDA;
        }
        else device = torch.CPU;

        var total = Stopwatch.StartNew();
        using var model = BenchServingModel.Create(modelSpec, device, dtype);
        model.Kernel = NumericsOptions.Attention(cl) ?? model.Kernel;
        if (NumericsOptions.Mlp(cl) is { } layout) model.MlpLayout = layout;
        FourMModelNetwork Network()
        {
            var network = new FourMModelNetwork(model);
            network.PacksEncoderTokens = NumericsOptions.Packed(cl) ?? network.PacksEncoderTokens;
            network.DecoderPassGraphs = NumericsOptions.DecoderGraphs(cl) ?? network.DecoderPassGraphs;
            network.EncoderPassGraphs = NumericsOptions.EncoderGraphs(cl) ?? network.EncoderPassGraphs;
            NumericsOptions.ApplyGraphCapacity(cl, network);
            return network;
        }
        // The engine's device thread and the baselines' thread each get their own network over the same weights: a network's
        // pass graphs and caches belong to the one thread that uses them.
        var network = Network();
        var baselineNetwork = Network();
        using var baselineThread = new BenchTorchThread("fourm-bench-baselines");
        // --profile: device time per sample of each runner phase, served vs homogeneous (each phase boundary syncs the device).
        var servedProfile = cl.Has("profile") ? new StepProfile(device) : null;
        var baselineProfile = cl.Has("profile") ? new StepProfile(device) : null;
        double? passCost = cl.Has("pass-cost-tokens") ? cl.GetInt("pass-cost-tokens", 0) : null;
        var arDecoding = NumericsOptions.Autoregressive(cl) ?? new StepRunnerOptions().AutoregressiveDecoding;
        var baselineRunner = new StepBatchRunner(baselineNetwork, options: new StepRunnerOptions { Profile = baselineProfile, PassCostTokens = passCost, AutoregressiveDecoding = arDecoding });
        Console.WriteLine($"bench serving: model={modelSpec} (dim {model.Config.Dim}, depth {model.Config.EncoderDepth}+{model.Config.DecoderDepth}) device={deviceKind} dtype={dtype} " +
                          $"sessions={string.Join(',', sessionCounts)} workload={workloadKind} mode={mode} attention={model.Kernel} mlp={model.MlpLayout} packed={network.PacksEncoderTokens} autoregressive={NumericsOptions.Describe(arDecoding, device.type)} decoder-graphs={network.DecoderPassGraphs} encoder-graphs={network.EncoderPassGraphs} stagger={stagger.TotalMilliseconds}ms max-rows={maxRows} max-delay={maxDelay.TotalMilliseconds}ms ar-hold={arHold.TotalMilliseconds}ms align={alignBudget.TotalMilliseconds}ms/{alignWindow}/min{alignMinSteps} lanes={lanes} chains={(chainSteps ? "on" : "off")} interleave-sequences={(interleave ? "on" : "off")} length-buckets={(lengthBuckets ? "on" : "off")} " +
                          $"threads={torch.get_num_threads()} machine={Environment.MachineName} cores={Environment.ProcessorCount} date={DateTime.UtcNow:yyyy-MM-dd HH:mm}Z");

        var deviceName = $"{deviceKind}:0";
        // --batch-trace: every served batch of each measured run (when, how long, which targets at which steps).
        BenchBatchTrace? trace = null;
        IEncoderDecoderRunner ServedRunner()
        {
            var runner = new StepBatchRunner(network, options: new StepRunnerOptions { Profile = servedProfile, PassCostTokens = passCost, AutoregressiveDecoding = arDecoding });
            return cl.Has("batch-trace") ? trace = new BenchBatchTrace(runner) : runner;
        }
        await using var cluster = await BenchServingCluster.StartAsync(deviceName, ServedRunner, o =>
        {
            o.MaxBatchRows = maxRows;
            o.MaxBatchTokens = int.MaxValue;
            o.MaxQueueDelay = maxDelay;
            o.BucketByLength = lengthBuckets;
            o.AutoregressiveHold = arHold;
            o.InterleaveSequenceDecodes = interleave;
            o.StepAlignmentBudget = alignBudget;
            o.StepAlignmentWindow = alignWindow;
            o.StepAlignmentMinSteps = alignMinSteps;
            o.MaxActiveSessions = Math.Max(1024, sessionCounts.Max() * 2);
            o.MaxQueuedJobs = Math.Max(1024, sessionCounts.Max() * 4);
        }, lanes, chainSteps, cancellationToken);
        using var meter = new BenchServingMeter();

        // Warm-up: loads the runner on the device thread and touches every code path once, then (unless --warmup-sessions 0)
        // runs the mixed and homogeneous workloads once at the largest N with other seeds. A first run at a new scale pays
        // one-off costs that the runs after it do not (the device allocator growing its pools, per-shape kernel choices, JIT
        // of the serving paths): measured on the H200, the first mixed run at N = 64 was 30 % slower than the next two, and
        // the homogeneous baseline, run after it, would get that warmth for free.
        var warmup = BenchServingWorkload.Build(2, seed - 100);
        await RunMixed(cluster.Client, warmup.Select(w => w.Request).ToList(), TimeSpan.Zero, "warmup", cancellationToken);
        baselineThread.Run(() => BenchServingBaselines.Sequential(baselineRunner, [warmup[1].Request]));
        // CPU runs have no device pools or kernel choices to warm, and the CPU benchmark must stay short.
        var warmupSessions = cl.GetInt("warmup-sessions", deviceKind == "cuda" ? sessionCounts.Max() : 0);
        if (warmupSessions > 0)
        {
            var scale = BenchServingWorkload.Build(warmupSessions, seed - 10_000, workloadKind);
            await RunMixed(cluster.Client, scale.Select(w => w.Request with { Mode = mode }).ToList(), stagger, "warmup-scale", cancellationToken);
            baselineThread.Run(() => BenchServingBaselines.Homogeneous(baselineRunner, scale));
        }

        // Repeats: a mixed and a homogeneous run each time. On the H200 either throughput moves by 10-20 % from one run to
        // the next in the same process, so the closing ratios compare medians, not one pair.
        var repeats = cl.GetInt("repeats", deviceKind == "cuda" ? 3 : 1);
        if (repeats < 1) throw new UsageException("--repeats must be 1 or more");
        var rows = new List<BenchServingRow>();
        var sequentialRuns = new Dictionary<int, (TimeSpan Elapsed, IReadOnlyList<SampleState> Samples)>();
        foreach (var n in sessionCounts.SelectMany(n => Enumerable.Repeat(n, repeats)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var workload = BenchServingWorkload.Build(n, seed, workloadKind);
            var requests = workload.Select(w => w.Request with { Mode = mode }).ToList();
            meter.Reset();
            servedProfile?.Reset();
            trace?.Reset();
            var mixedGc = new GcWindow();
            var graphsBefore = BenchGraphWindow.Of(network);
            var mixed = await RunMixed(cluster.Client, requests, stagger, $"n{n}", cancellationToken);
            var mixedGcLine = mixedGc.Describe();
            var graphsLine = BenchGraphWindow.Of(network).Since(graphsBefore);
            var row = new BenchServingRow(n, mixed.Elapsed, mixed.Latencies,
                meter.Mean("fourm.step.batch_rows"), meter.Mean("fourm.step.queue_time"), meter.Mean("fourm.session.step_overhead"),
                meter.Sum("fourm.session.step_duration") > 0 ? meter.Sum("fourm.session.step_overhead") / meter.Sum("fourm.session.step_duration") : 0)
            {
                DeviceBusy = TimeSpan.FromMilliseconds(meter.Sum("fourm.step.forward_duration")),
            };

            var sampled = sequentialSample <= 0 ? n : Math.Min(n, sequentialSample);
            if (!sequentialRuns.TryGetValue(sampled, out var sequential))
                sequentialRuns[sampled] = sequential = baselineThread.Run(() => BenchServingBaselines.Sequential(baselineRunner, requests.Take(sampled).ToList()));
            baselineProfile?.Reset();
            var homogeneousGc = new GcWindow();
            var homogeneousTime = baselineThread.Run(() => BenchServingBaselines.Homogeneous(baselineRunner, workload));
            var homogeneousGcLine = homogeneousGc.Describe();
            row = row with
            {
                Sequential = sequential.Elapsed,
                SequentialSessions = sampled,
                Homogeneous = homogeneousTime,
                IdenticalToSequential = CountIdentical(mixed.Results, sequential.Samples),
            };
            Console.WriteLine(row.Format());
            Console.WriteLine($"    mixed: {mixedGcLine}; homogeneous: {homogeneousGcLine}");
            Console.WriteLine("    " + meter.Timeline.Describe(mixed.Phases));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    admission (start call) p50 {BenchServingRow.Median(mixed.Admissions) * 1000:0.0} ms, max {mixed.Admissions.Max() * 1000:0.0} ms; graphs in run: {graphsLine}"));
            if (trace is not null)
                foreach (var line in trace.Describe(mixed.Phases.Start)) Console.WriteLine(line);
            if (servedProfile is not null && baselineProfile is not null)
            {
                Console.WriteLine(ProfileLine("served", servedProfile, n));
                Console.WriteLine(ProfileLine("homogeneous", baselineProfile, n));
                Console.WriteLine("    passes served:      " + servedProfile.PassSummary());
                Console.WriteLine("    passes homogeneous: " + baselineProfile.PassSummary());
                Console.WriteLine("    steps served:       " + servedProfile.StepSummary());
                Console.WriteLine("    steps homogeneous:  " + baselineProfile.StepSummary());
            }
            rows.Add(row);
        }
        if (network.DecoderGraphs is { } graphs) Console.WriteLine("decoder " + BenchGenerationCommand.GraphCounts(graphs.Captures, graphs.Replays, graphs.Failure));
        if (network.EncoderGraphs is { } encoderGraphs) Console.WriteLine("encoder " + BenchGenerationCommand.GraphCounts(encoderGraphs.Captures, encoderGraphs.Replays, encoderGraphs.Failure));
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:0.0} s");
        Console.WriteLine(BenchServingRow.Ratios(rows.Where(r => r.Sessions == sessionCounts[^1]).ToList()));
        return 0;
    }

    /// <returns>Wall time, per-session latencies and admission times (start call to its return, seconds), results, phases.</returns>
    private static async Task<(TimeSpan Elapsed, IReadOnlyList<double> Latencies, IReadOnlyList<double> Admissions, IReadOnlyList<SessionResult> Results, BenchServingTimeline.Phases Phases)> RunMixed(
        IClusterClient client, IReadOnlyList<SessionRequest> requests, TimeSpan stagger, string tag, CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var start = Stopwatch.GetTimestamp();
        var sessions = new List<Task<(double Latency, SessionResult Result, long Issued, long Started, long Completed)>>();
        for (var i = 0; i < requests.Count; i++)
        {
            // Session i arrives at i × stagger after the first, by the clock: consecutive Task.Delay(5 ms) calls drift (each
            // sleeps 1-3 ms more under load), which had stretched 64 arrivals from 315 ms to over 500 ms on the H200.
            var due = i * stagger - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero) await Task.Delay(due, cancellationToken);
            sessions.Add(RunOne(client.GetGrain<IGenerationSessionGrain>($"bench-{tag}-{runId}-{i}"), requests[i], cancellationToken));
        }
        var lastIssued = Stopwatch.GetTimestamp();
        var done = await Task.WhenAll(sessions);
        var end = Stopwatch.GetTimestamp();
        var failed = done.Where(d => d.Result.Status.Phase != SessionPhase.Completed).ToList();
        if (failed.Count > 0) throw new InvalidOperationException($"{failed.Count} sessions did not complete: {failed[0].Result.Status.Phase} {failed[0].Result.Status.Error}");
        var lastArrival = done.Max(d => d.Started);
        var phases = new BenchServingTimeline.Phases(start, lastArrival, Math.Max(lastArrival, done.Min(d => d.Completed)), end) { LastIssued = lastIssued };
        return (Stopwatch.GetElapsedTime(start, end), done.Select(d => d.Latency).ToList(),
            done.Select(d => Stopwatch.GetElapsedTime(d.Issued, d.Started).TotalSeconds).ToList(), done.Select(d => d.Result).ToList(), phases);
    }

    /// <returns>The latency, the result, when the start call was made, when it returned (admitted) and when the session completed.</returns>
    private static async Task<(double Latency, SessionResult Result, long Issued, long Started, long Completed)> RunOne(
        IGenerationSessionGrain session, SessionRequest request, CancellationToken cancellationToken)
    {
        var issued = Stopwatch.GetTimestamp();
        await session.Start(request, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var result = await session.WaitForCompletion(cancellationToken);
        var completed = Stopwatch.GetTimestamp();
        return (Stopwatch.GetElapsedTime(issued, completed).TotalSeconds, result, issued, started, completed);
    }

    /// <summary>Device milliseconds per sample of each runner phase, and runner batches (RunBatch or decode calls) per sample.</summary>
    private static string ProfileLine(string label, StepProfile profile, int samples) =>
        string.Create(CultureInfo.InvariantCulture, $"    profile {label,-11} ms/sample: ") +
        string.Join(", ", profile.Totals().Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Phase} {p.Milliseconds / samples:F1}"))) +
        string.Create(CultureInfo.InvariantCulture, $"; total {profile.Totals().Sum(p => p.Milliseconds) / samples:F1}");

    /// <summary>Sessions whose served tokens equal the sequential generator's (batching must not change tokens).</summary>
    private static int CountIdentical(IReadOnlyList<SessionResult> served, IReadOnlyList<SampleState> sequential)
    {
        var identical = 0;
        for (var i = 0; i < sequential.Count; i++)
        {
            var same = sequential[i].Modalities.Where(m => m.Pixels is null).All(m =>
                served[i].Modalities.FirstOrDefault(s => s.Modality == m.Modality)?.Tokens.SequenceEqual(m.Tokens) == true);
            if (same) identical++;
        }
        return identical;
    }
}
