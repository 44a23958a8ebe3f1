namespace FourM.Grains.Registry.Hub;

/// <summary>Where models are downloaded from and cached. Bound from the <c>FourM:Hub</c> configuration section.</summary>
public sealed class ModelHubOptions
{
    public const string SectionName = "FourM:Hub";

    /// <summary>Base address of a Hugging Face compatible hub (files at <c>{Endpoint}/{repo}/resolve/{revision}/{file}</c>).</summary>
    public string Endpoint { get; set; } = "https://huggingface.co";

    /// <summary>Cache root; files land in <c>{CacheDirectory}/{owner}--{name}/{revision}/{file}</c>.</summary>
    public string CacheDirectory { get; set; } = DefaultCacheDirectory();

    /// <summary>Optional bearer token for gated or private repositories.</summary>
    public string? Token { get; set; }

    /// <summary>Attempts per file; each attempt after the first resumes from the bytes already on disk.</summary>
    public int MaxAttempts { get; set; } = 3;

    private static string DefaultCacheDirectory() =>
        Environment.GetEnvironmentVariable("FOURM_CACHE") is { Length: > 0 } fromEnv
            ? fromEnv
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fourm", "models");
}
