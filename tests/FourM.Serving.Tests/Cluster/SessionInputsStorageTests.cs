using FourM.Grains.Hosting;
using FourM.Grains.Interfaces.Admission;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Mapping;
using FourM.Grains.Sessions;
using FourM.Serving.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit;

namespace FourM.Serving.Tests.Cluster;

/// <summary>
/// A session stores its request (with its pixel inputs) once and its per-step state without pixels; a resumed session gets its
/// pixels back from the request, and a state stored before that split (request and pixels in the per-step state) still resumes.
/// One silo, a storage that outlives activations and records every write; the fake model digests pixels, so tokens show
/// whether the device saw them.
/// </summary>
public sealed class SessionInputsStorageTests : IAsyncLifetime
{
    private const string Device = DurableStorageCluster.Device;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly FakeRunnerFactory _factory = new();
    private readonly FixedLengthPlanner _planner = new();
    private RecordingGrainStorage _storage = null!;
    private FaultyGrainStorage _faults = null!;
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DurableStorageCluster.StartAsync(1, _ => _factory, _planner, TimeSpan.FromMilliseconds(5),
            shared => _storage = new RecordingGrainStorage(_faults = new FaultyGrainStorage(shared)));
        // The silo builds its storage on first use; build it now, so that a test can arm a fault before any session writes.
        _cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ServingStorage.Name);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Inputs_are_stored_once_steps_without_pixels_and_a_resumed_session_sees_its_pixels_again()
    {
        var runner = _factory.RunnerFor(Device);
        using var gate = new RunnerGate(initialPermits: 2);
        runner.Gate = gate;
        try
        {
            var request = PixelsToTwoTargets(seed: 5, pixelSign: 1);
            var session = _cluster.Client.GetGrain<IGenerationSessionGrain>("pixels-resumed");
            var grain = session.GetGrainId();
            await session.Start(request);
            await WaitUntil(async () => gate.Waiting == 1 && (await session.GetStatus()).CompletedSteps == 2);

            await _cluster.DeactivateAsync(session);
            await _cluster.WaitForDeactivationAsync(session);
            gate.Open();

            Assert.Equal(2, (await session.GetStatus()).ResumedFromStep);
            var result = await session.WaitForCompletion().WaitAsync(Patience);
            Assert.Equal(SessionPhase.Completed, result.Status.Phase);
            AssertTokens(ReferenceGeneration.Run(_planner, new HashingFakeRunner(), request, "pixels-resumed"), result);
            // The fake model reads the pixels: other pixels give other tokens, so the match above needed them after the resume.
            var otherPixels = ReferenceGeneration.Run(_planner, new HashingFakeRunner(), PixelsToTwoTargets(seed: 5, pixelSign: -1), "pixels-resumed");
            Assert.NotEqual(otherPixels.Modalities.Single(m => m.Modality == "tok_depth@224").Tokens,
                result.Modalities.Single(m => m.Modality == "tok_depth@224").Tokens);

            var writes = _storage.Writes.Where(w => w.Grain == grain).ToList();
            Assert.Single(writes, w => w.StateName == "inputs");
            var stateWrites = writes.Where(w => w.StateName == "session").ToList();
            Assert.True(stateWrites.Count >= result.Status.TotalSteps, $"{stateWrites.Count} state writes for {result.Status.TotalSteps} steps");
            Assert.DoesNotContain(stateWrites, w => w.SampleHasPixels);
        }
        finally
        {
            runner.Gate = null;
            gate.Open();
        }
    }

    [Fact]
    public async Task A_state_stored_with_its_request_and_pixels_before_the_split_still_resumes()
    {
        var device = new DeviceAddress(_cluster.Silos[0].Name, Device).ToString();
        var request = PixelsToTwoTargets(seed: 9, pixelSign: 1) with { Device = device };
        var session = _cluster.Client.GetGrain<IGenerationSessionGrain>("pixels-legacy");
        var plan = _planner.Plan(request);
        var legacy = new SessionState
        {
            LegacyRequest = request,
            Sample = TensorMapping.ToTensors(plan.Initial),
            TotalSteps = plan.Steps.Count,
            CompletedSteps = 0,
            Phase = SessionPhase.Running,
            Device = device,
            DecoderDevice = device,
            StartedAt = DateTimeOffset.UtcNow,
            Deadline = DateTimeOffset.UtcNow.AddMinutes(5),
        };
        Assert.Contains(legacy.Sample.Modalities, m => m.Pixels is not null);
        // Written straight into the store, as an earlier version left it.
        await DurableStorageCluster.StorageOf(_cluster).WriteStateAsync("session", session.GetGrainId(), new GrainState<SessionState>(legacy));

        Assert.Equal(0, (await session.GetStatus()).ResumedFromStep);     // activates from the stored state
        var result = await session.WaitForCompletion().WaitAsync(Patience);
        Assert.Equal(SessionPhase.Completed, result.Status.Phase);
        AssertTokens(ReferenceGeneration.Run(_planner, new HashingFakeRunner(), request, "pixels-legacy"), result);
    }

    [Theory]
    [InlineData("inputs")]
    [InlineData("session")]
    public async Task A_start_whose_state_cannot_be_stored_gives_its_slots_back_and_can_be_retried(string failingState)
    {
        var request = PixelsToTwoTargets(seed: 13, pixelSign: 1) with { ClientId = $"unstored-{failingState}" };
        var session = _cluster.Client.GetGrain<IGenerationSessionGrain>($"pixels-unstored-{failingState}");
        var device = _cluster.Client.GetGrain<IDeviceGrain>(new DeviceAddress(_cluster.Silos[0].Name, Device).ToString());
        _faults.FailNextWriteOf(failingState);

        await Assert.ThrowsAnyAsync<Exception>(() => session.Start(request));
        Assert.Equal(SessionPhase.Created, (await session.GetStatus()).Phase);
        Assert.Equal(0, await _cluster.Client.GetGrain<IClientQuotaGrain>(request.ClientId).ActiveSessions());
        Assert.Equal(0, (await device.GetLoad()).ActiveSessions);

        // The store is back: the same session starts again and generates the tokens of the in-process path.
        Assert.Equal(SessionPhase.Running, (await session.Start(request)).Phase);
        var result = await session.WaitForCompletion().WaitAsync(Patience);
        Assert.Equal(SessionPhase.Completed, result.Status.Phase);
        AssertTokens(ReferenceGeneration.Run(_planner, new HashingFakeRunner(), request, $"pixels-unstored-{failingState}"), result);
    }

    /// <summary>Pixels (3×4×4, signed by <paramref name="pixelSign"/>) → depth in two steps → normals in two steps.</summary>
    private static SessionRequest PixelsToTwoTargets(long seed, int pixelSign) => new()
    {
        ModelId = ServingClusterFixture.Model,
        Inputs = [new ModalityInput { Modality = "rgb@224", Pixels = Enumerable.Range(0, 48).Select(i => pixelSign * (i - 20) / 24f).ToArray(), PixelShape = [3, 4, 4] }],
        Targets =
        [
            new TargetSchedule { Modality = "tok_depth@224", Scheme = TargetScheme.Roar, DecodingSteps = 2, Temperature = 0.5, CfgScale = 1 },
            new TargetSchedule { Modality = "tok_normal@224", Scheme = TargetScheme.Roar, DecodingSteps = 2, Temperature = 0.5, CfgScale = 1 },
        ],
        Seed = seed,
        ClientId = $"pixels-{seed}",
        Mode = ServingMode.Fused,
    };

    private static void AssertTokens(Generation.Batching.SampleState expected, SessionResult result)
    {
        foreach (var modality in expected.Modalities.Where(m => m.Pixels is null))
            Assert.Equal(modality.Tokens, result.Modalities.Single(m => m.Modality == modality.Modality).Tokens);
    }

    private static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(10);
        }
    }
}
