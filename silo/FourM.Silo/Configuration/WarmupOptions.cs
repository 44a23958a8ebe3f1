namespace FourM.Silo.Configuration;

/// <summary>
/// The warm-up generation run on every local device for every model before the silo reports started (section
/// <c>FourM:Warmup</c>): it loads the weights and runs the whole path (planner, session, engine, runner) once.
/// </summary>
public sealed class WarmupOptions
{
    public const string SectionName = "FourM:Warmup";

    public bool Enabled { get; set; } = true;
    /// <summary>Caption conditioning the warm-up (empty: unconditional).</summary>
    public string Caption { get; set; } = "a photo of a red bus";
    public string InputModality { get; set; } = "caption";
    public string TargetModality { get; set; } = "tok_rgb@224";
    public int Steps { get; set; } = 1;
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);
}
