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
}
