using FourM.Engine.Engine;
using FourM.Engine.Runners;
using FourM.Grains.Sessions;

namespace FourM.Grains.Hosting;

/// <summary>How a silo serves 4M: which devices it owns, engine knobs, session defaults, storage.</summary>
public sealed class FourMServingOptions
{
    /// <summary>Devices this silo owns (<c>cpu:0</c>, <c>cuda:0</c>, ...); announced as silo metadata. Empty: a front silo (sessions only).</summary>
    public List<string> Devices { get; } = new();
    public EngineOptions Engine { get; } = new();
    /// <summary>Grain storage holding the sessions' persisted state.</summary>
    public string StorageName { get; set; } = ServingStorage.Name;
    /// <summary>Register in-memory grain storage under <see cref="StorageName"/> (turn off when the host adds a durable provider).</summary>
    public bool UseInMemoryStorage { get; set; } = true;
    /// <summary>
    /// Storage grains the in-memory provider spreads the sessions' state over (Orleans' default is 10). Every session writes its
    /// state after every step, and each storage grain takes one write at a time: with ten, a session's first write (which its
    /// start call awaits) took 25–63 ms on average and up to 0.4 s on the H200 with 64 sessions stepping. More grains are
    /// headroom; the benchmark's admission times did not change beyond their spread (docs/benchmarks.md, twelfth session).
    /// </summary>
    public int InMemoryStorageGrains { get; set; } = 64;
    public int MaxSessionsPerClient { get; set; } = 64;
    public TimeSpan DefaultSessionTimeout { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>A step that takes longer (queue + device + messaging) fails its session.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// How many times a session may move to another device mid-generation when its device goes away (its silo leaves or
    /// dies); it continues from its last persisted step. Sessions pinned to a device never move. 0 turns failover off.
    /// </summary>
    public int MaxFailovers { get; set; } = 3;
    /// <summary>
    /// Encoder/decoder grain activations per model and device that sessions spread over (by session id). All of them feed the
    /// same device engine, so batching is unchanged; more lanes let the turns of a completing batch's sessions (results out,
    /// next steps in) run in parallel instead of one after another on one activation. 1: one activation per model and device.
    /// </summary>
    public int DeviceGrainLanes { get; set; } = 8;
    /// <summary>
    /// Fused mode: a session hands the device engine its consecutive image steps as one chain, and the engine queues each step
    /// as soon as the one before it completes (the session persists and publishes each outcome as it arrives). Off: one call
    /// per step, so every step waits for the session's round trip.
    /// </summary>
    public bool ChainSteps { get; set; } = true;
    /// <summary>More silo metadata to publish with the devices (AddFourMServing owns the one UseSiloMetadata call).</summary>
    public Dictionary<string, string> SiloMetadata { get; } = new();
    /// <summary>Loads models onto devices; null: an <see cref="IRunnerFactory"/> registered in the container.</summary>
    public Func<IServiceProvider, IRunnerFactory>? RunnerFactory { get; set; }
    /// <summary>Builds session plans; null: an <see cref="ISessionPlanner"/> registered in the container, else <see cref="GenerationSessionPlanner"/> (no text inputs).</summary>
    public Func<IServiceProvider, ISessionPlanner>? Planner { get; set; }
    /// <summary>
    /// Image tokenizers by modality (<c>tok_rgb@224</c> → checkpoint file or folder). Each runs on the device engines
    /// next to the model; the size after '@' is the input size it is loaded for.
    /// </summary>
    public Dictionary<string, string> Tokenizers { get; } = new(StringComparer.Ordinal);
    /// <summary>DDPM steps of diffusion (DiVAE) decoders when a request does not say.</summary>
    public int DiffusionSteps { get; set; } = 25;
    /// <summary>Tokenizer weights' dtype on the device (fp32, bf16, fp16).</summary>
    public string TokenizerDType { get; set; } = "fp32";
}

public static class ServingStorage
{
    public const string Name = "fourm-sessions";
}
