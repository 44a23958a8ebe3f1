using FourM.Grains.Interfaces.Registry;
using Orleans.Concurrency;

namespace FourM.Grains.Registry;

/// <summary>
/// Keeps the deployments in memory: they describe live processes, so a restarted registry is refilled by the silos'
/// re-registration (each silo registers on start and again periodically) rather than from storage.
/// </summary>
[Reentrant]
public sealed class ModelRegistryGrain : Grain, IModelRegistryGrain
{
    private readonly Dictionary<(string Silo, string Device, string Key), ModelDeployment> _deployments = new();

    public Task Register(ModelDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        _deployments[(deployment.Silo, deployment.Device, deployment.Model.Key)] = deployment;
        return Task.CompletedTask;
    }

    public Task UnregisterSilo(string silo)
    {
        foreach (var key in _deployments.Keys.Where(k => k.Silo == silo).ToList()) _deployments.Remove(key);
        return Task.CompletedTask;
    }

    public Task<ModelDeployment[]> List() =>
        Task.FromResult(_deployments.Values.OrderBy(d => d.Model.Key, StringComparer.Ordinal).ThenBy(d => d.Silo, StringComparer.Ordinal)
            .ThenBy(d => d.Device, StringComparer.Ordinal).ToArray());

    public Task<ModelDescriptor?> Resolve(string modelKey)
    {
        var (id, version) = ModelKey.Parse(modelKey);
        var candidates = _deployments.Values.Select(d => d.Model).Where(m => m.Id == id && (version is null || m.Version == version));
        return Task.FromResult(candidates.OrderByDescending(m => m.Version, ModelVersionComparer.Instance).FirstOrDefault());
    }
}
