namespace FourM.Grains.Registry.Hub;

/// <summary>Turns a <see cref="ModelSource"/> into a local directory holding <c>config.json</c> and <c>model.safetensors</c>.</summary>
public sealed class HubModelFetcher(HubFileDownloader downloader)
{
    public static readonly IReadOnlyList<string> CheckpointFiles = ["config.json", "model.safetensors"];

    /// <param name="expectedSha256">Optional per-file sha256 (file name → hex) that overrides the hub's own digests.</param>
    public async Task<string> FetchAsync(ModelSource source, IReadOnlyDictionary<string, string>? expectedSha256 = null, CancellationToken cancellationToken = default)
    {
        switch (source)
        {
            case LocalModelSource local:
                var directory = File.Exists(local.Path) ? Path.GetDirectoryName(local.Path)! : local.Path;
                if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"model directory not found: {local.Path}");
                foreach (var file in CheckpointFiles)
                    if (!File.Exists(Path.Combine(directory, file)))
                        throw new FileNotFoundException($"model directory {directory} has no {file}", Path.Combine(directory, file));
                return directory;
            case HubModelSource hub:
                string? first = null;
                foreach (var file in CheckpointFiles)
                {
                    var digest = expectedSha256?.TryGetValue(file, out var hex) == true ? HubFileDigest.Sha256(hex) : null;
                    var path = await downloader.DownloadAsync(new HubFileRequest(hub.Repository, hub.Revision, file, digest), cancellationToken);
                    first ??= Path.GetDirectoryName(path);
                }
                return first!;
            default:
                throw new ArgumentException($"unknown model source {source}");
        }
    }
}
