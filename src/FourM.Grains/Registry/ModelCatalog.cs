using System.Collections.Concurrent;
using FourM.Grains.Interfaces.Registry;
using FourM.Grains.Registry.Hub;

namespace FourM.Grains.Registry;

/// <summary>
/// The models one silo serves and where their files are. Hub models are fetched into the cache (once per process);
/// keys resolve as <c>{id}@{version}</c> or a bare <c>{id}</c> (this silo's configured version).
/// </summary>
public sealed class ModelCatalog(IReadOnlyList<ModelEntry> models, HubModelFetcher fetcher)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string?>>> _directories = new(StringComparer.Ordinal);

    public IReadOnlyList<ModelEntry> Models { get; } = Validated(models);

    public ModelEntry Find(string modelKey)
    {
        var (id, version) = ModelKey.Parse(modelKey);
        return Models.FirstOrDefault(m => m.Id == id && (version is null || m.Version == version))
            ?? throw new KeyNotFoundException($"this silo does not serve model '{modelKey}' (it serves: {string.Join(", ", Models.Select(m => m.Key))})");
    }

    /// <summary>The local checkpoint directory (downloaded on first use), or null for random weights.</summary>
    public Task<string?> DirectoryAsync(ModelEntry model, CancellationToken cancellationToken = default) =>
        _directories.GetOrAdd(model.Key, _ => new Lazy<Task<string?>>(() => model.IsRandom
            ? Task.FromResult<string?>(null)
            : FetchAsync(model, cancellationToken))).Value;

    private async Task<string?> FetchAsync(ModelEntry model, CancellationToken cancellationToken) =>
        await fetcher.FetchAsync(ModelSource.Parse(model.Source), model.Sha256, cancellationToken);

    private static IReadOnlyList<ModelEntry> Validated(IReadOnlyList<ModelEntry> models)
    {
        foreach (var model in models) model.Validate();
        var duplicate = models.GroupBy(m => m.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"model {duplicate.Key} is configured twice");
        return models;
    }
}
