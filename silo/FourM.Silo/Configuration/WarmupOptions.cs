using FourM.Grains.Registry;
using TorchSharp;

namespace FourM.Silo.Configuration;

/// <summary>
/// The warm-up generation run on every local device for every model before the silo reports started (section
/// <c>FourM:Warmup</c>): it loads the weights and runs the whole path (planner, session, engine, runner) once.
/// </summary>
public sealed class WarmupOptions
{
    public const string SectionName = "FourM:Warmup";

    public bool Enabled { get; set; } = true;
    /// <summary>The conditioning modality (a sample needs at least one visible input).</summary>
    public string InputModality { get; set; } = "tok_depth@224";
    /// <summary>Text for a sequence input such as <c>caption</c> (needs a planner with a text tokenizer); empty: token input.</summary>
    public string InputText { get; set; } = "";
    /// <summary>Token input: this many tokens (the modality's full length: 196 for 224-px image tokens) of <see cref="InputTokenId"/>.</summary>
    public int InputTokenCount { get; set; } = 196;
    public long InputTokenId { get; set; } = 1;
    public string TargetModality { get; set; } = "tok_rgb@224";
    public int Steps { get; set; } = 1;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Sessions of the warm-up burst that follows the warm-up generation on each device (<see cref="Lifecycle.WarmupBurst"/>):
    /// null (the default) runs <see cref="DefaultCudaBurstSessions"/> on CUDA devices and none elsewhere; 0 turns it off.
    /// </summary>
    public int? BurstSessions { get; set; }
    /// <summary>Decoding steps of each image target of the burst's text→image sessions.</summary>
    public int BurstImageSteps { get; set; } = 25;
    /// <summary>Time between the burst's session starts, as users arrive.</summary>
    public TimeSpan BurstStagger { get; set; } = TimeSpan.FromMilliseconds(5);

    public const int DefaultCudaBurstSessions = 32;

    /// <summary>The burst's size on <paramref name="device"/>.</summary>
    public int BurstSessionsOn(string device) =>
        BurstSessions ?? (TorchDevices.TypeOf(device) == DeviceType.CUDA ? DefaultCudaBurstSessions : 0);
}
