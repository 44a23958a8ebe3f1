using FourM.Generation;
using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Sessions;
using FourM.Serving.Tests.Fakes;
using FourM.TestSupport;
using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace FourM.Serving.Tests.RealModel;

/// <summary>The must-show equivalences with the real generator and the tiny golden model instead of the fake runner.</summary>
[Collection(GoldenModelClusterCollection.Name)]
public sealed class RealGeneratorServingTests(GoldenModelClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    private static long[] RandomTokens(int count, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)random.Next(vocabulary)).ToArray();
    }

    /// <summary>Depth tokens → semseg (ROAR, guided, cfg-grow) → caption (autoregressive).</summary>
    private static SessionRequest DepthToSemsegToCaption(long seed, ServingMode mode) => new()
    {
        ModelId = GoldenModelClusterFixture.Model,
        Inputs = [new ModalityInput { Modality = "tok_depth@224", Tokens = RandomTokens(196, 8192, (int)seed) }],
        Targets =
        [
            new TargetSchedule { Modality = "tok_semseg@224", Scheme = TargetScheme.Roar, DecodingSteps = 4, Temperature = 1.0, CfgScale = 2.0 },
            new TargetSchedule { Modality = "caption", Scheme = TargetScheme.Autoregressive, Temperature = 0.3, MaxTokens = 8 },
        ],
        Seed = seed,
        TopP = 0.8,
        CfgGrowConditioning = true,
        ClientId = $"real-{seed}",
        Mode = mode,
    };

    /// <summary>Pixels → depth (MaskGIT cosine, guided) → semseg (one ROAR step, near-greedy).</summary>
    private static SessionRequest RgbToDepthAndSemseg(long seed, ServingMode mode)
    {
        var random = new Random((int)seed);
        return new SessionRequest
        {
            ModelId = GoldenModelClusterFixture.Model,
            Inputs = [new ModalityInput { Modality = "rgb@224", Pixels = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), PixelShape = [3, 224, 224] }],
            Targets =
            [
                new TargetSchedule { Modality = "tok_depth@224", Scheme = TargetScheme.MaskGit, DecodingSteps = 3, TokenSchedule = "cosine", Temperature = 2.0, TemperatureSchedule = "onex:0.5:0.5", CfgScale = 1.5 },
                new TargetSchedule { Modality = "tok_semseg@224", Scheme = TargetScheme.Roar, DecodingSteps = 1, Temperature = 0.01, CfgScale = 2.0 },
            ],
            Seed = seed,
            TopK = 50,
            ClientId = $"real-{seed}",
            Mode = mode,
        };
    }

    private static void AssertMatchesInProcessGenerator(SessionRequest request, SessionResult result)
    {
        Assert.Equal(SessionPhase.Completed, result.Status.Phase);
        var expected = new FourMGenerator(GoldenModelClusterFixture.LoadRunner()).Generate(GenerationSessionPlanner.ToGenerationRequest(request));
        foreach (var modality in expected.Modalities.Where(m => m.Pixels is null))
        {
            var actual = result.Modalities.Single(m => m.Modality == modality.Modality);
            Assert.Equal(modality.Tokens, actual.Tokens);
            Assert.Equal(modality.InputMask, actual.InputMask);
        }
    }

    [GoldenFact]
    public async Task Concurrent_sessions_give_the_in_process_generators_tokens()
    {
        // Sessions of the same shape are pinned to one device each, so that they meet in the same batches (different
        // encoder lengths land in different length buckets) while both silos serve.
        string DeviceOf(int silo) => new DeviceAddress(fixture.SiloNames[silo], GoldenModelClusterFixture.Device).ToString();
        var requests = new (string Id, SessionRequest Request)[]
        {
            ("real-1", DepthToSemsegToCaption(11, ServingMode.Colocated) with { Device = DeviceOf(0) }),
            ("real-2", RgbToDepthAndSemseg(12, ServingMode.Colocated) with { Device = DeviceOf(1) }),
            ("real-3", DepthToSemsegToCaption(13, ServingMode.Colocated) with { Device = DeviceOf(0) }),
            ("real-4", RgbToDepthAndSemseg(14, ServingMode.Colocated) with { Device = DeviceOf(1) }),
        };
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(requests.Select(r => fixture.Client.GetGrain<IGenerationSessionGrain>(r.Id).Start(r.Request)));
        var results = await Task.WhenAll(requests.Select(r => fixture.Client.GetGrain<IGenerationSessionGrain>(r.Id).WaitForCompletion().WaitAsync(Patience)));
        output.WriteLine($"{requests.Length} sessions served in {clock.Elapsed.TotalSeconds:0.0} s");

        for (var i = 0; i < requests.Length; i++) AssertMatchesInProcessGenerator(requests[i].Request, results[i]);
        // The sessions really shared batches on the device (so batching did not change anyone's tokens).
        Assert.Contains(fixture.SiloNames.SelectMany(s => fixture.RunnerOn(s)?.BatchSizes ?? []), size => size > 1);
    }

    [GoldenFact]
    public async Task Disaggregated_serving_ships_bf16_contexts_and_gives_the_same_tokens()
    {
        var request = DepthToSemsegToCaption(21, ServingMode.Disaggregated);
        var session = fixture.Client.GetGrain<IGenerationSessionGrain>("real-disaggregated");
        await session.Start(request);
        var result = await session.WaitForCompletion().WaitAsync(Patience);

        Assert.NotEqual(DeviceAddress.Parse(result.Status.Device!).Silo, DeviceAddress.Parse(result.Status.DecoderDevice!).Silo);
        AssertMatchesInProcessGenerator(request, result);
    }

    [GoldenFact]
    public async Task A_real_session_resumes_after_deactivation_with_the_generators_tokens()
    {
        var silo = fixture.SiloNames[0];
        var device = new DeviceAddress(silo, GoldenModelClusterFixture.Device).ToString();
        var request = DepthToSemsegToCaption(31, ServingMode.Fused) with { Device = device };
        var session = fixture.Client.GetGrain<IGenerationSessionGrain>("real-resumed");
        // Load the model on that device first, so that the gate can be installed on its runner.
        var warm = fixture.Client.GetGrain<IGenerationSessionGrain>("real-resume-warmup");
        await warm.Start(RgbToDepthAndSemseg(30, ServingMode.Fused) with { Device = device });
        await warm.WaitForCompletion().WaitAsync(Patience);
        var runner = fixture.RunnerOn(silo)!;
        using var gate = new RunnerGate(initialPermits: 2);
        runner.Gate = gate;
        try
        {
            await session.Start(request);
            while (gate.Waiting == 0) await Task.Delay(10);                  // steps 1-2 done, step 3 held on the device
            while ((await session.GetStatus()).CompletedSteps < 2) await Task.Delay(10);

            await fixture.Cluster.DeactivateAsync(session);
            await fixture.Cluster.WaitForDeactivationAsync(session);
            gate.Open();

            Assert.Equal(2, (await session.GetStatus()).ResumedFromStep);
            var result = await session.WaitForCompletion().WaitAsync(Patience);
            AssertMatchesInProcessGenerator(request, result);
            Assert.Equal(result.Status.TotalSteps + 1, runner.JobsOf("real-resumed"));
        }
        finally
        {
            runner.Gate = null;
            gate.Open();
        }
    }

    [GoldenFact]
    public async Task Cancelling_a_real_session_frees_the_device()
    {
        var silo = fixture.SiloNames[1];
        var device = new DeviceAddress(silo, GoldenModelClusterFixture.Device).ToString();
        var warm = fixture.Client.GetGrain<IGenerationSessionGrain>("real-cancel-warmup");
        await warm.Start(RgbToDepthAndSemseg(40, ServingMode.Colocated) with { Device = device });
        await warm.WaitForCompletion().WaitAsync(Patience);
        var runner = fixture.RunnerOn(silo)!;
        using var gate = new RunnerGate(initialPermits: 1);
        runner.Gate = gate;
        try
        {
            var session = fixture.Client.GetGrain<IGenerationSessionGrain>("real-cancelled");
            await session.Start(DepthToSemsegToCaption(41, ServingMode.Colocated) with { Device = device });
            while (gate.Waiting == 0) await Task.Delay(10);                  // step 1 done, step 2 held on the device while encoding
            var status = await session.Cancel().WaitAsync(Patience);
            gate.Open();

            Assert.Equal(SessionPhase.Cancelled, status.Phase);
            var load = await fixture.Client.GetGrain<IDeviceGrain>(device).GetLoad();
            Assert.Equal(0, load.QueuedJobs);
            Assert.Equal(0, load.ActiveSessions);
            var jobsAtCancel = runner.JobsOf("real-cancelled");
            var next = fixture.Client.GetGrain<IGenerationSessionGrain>("real-after-cancel");
            var after = RgbToDepthAndSemseg(42, ServingMode.Colocated) with { Device = device };
            await next.Start(after);
            AssertMatchesInProcessGenerator(after, await next.WaitForCompletion().WaitAsync(Patience));
            Assert.Equal(jobsAtCancel, runner.JobsOf("real-cancelled"));       // nothing of it ran after the cancel
            Assert.Equal(0, (await fixture.Client.GetGrain<IDeviceGrain>(device).GetLoad()).HeldContexts);
        }
        finally
        {
            runner.Gate = null;
            gate.Open();
        }
    }
}
