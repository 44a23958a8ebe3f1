using FourM.Grains.Interfaces.Registry;
using Orleans.Concurrency;

namespace FourM.Grains.Registry;

/// <summary>
/// Keeps the deployments in memory: they describe live processes, so a restarted registry is refilled by the silos'
/// re-registration (each silo registers on start and again periodically) rather than from storage. A deployment not
/// refreshed within <see cref="Lifetime"/> (its silo died without unregistering) is no longer listed.
/// </summary>
[Reentrant]
public sealed class ModelRegistryGrain(TimeProvider? time = null) : Grain, IModelRegistryGrain
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(90);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    private readonly Dictionary<(string Silo, string Device, string Key), ModelDeployment> _deployments = new();

    public Task Register(ModelDeployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        _deployments[(deployment.Silo, deployment.Device, deployment.Model.Key)] = deployment with { RegisteredAt = _time.GetUtcNow() };
        return Task.CompletedTask;
    }

    public Task UnregisterSilo(string silo)
    {
        foreach (var key in _deployments.Keys.Where(k => k.Silo == silo).ToList()) _deployments.Remove(key);
        return Task.CompletedTask;
    }

    public Task<ModelDeployment[]> List() =>
        Task.FromResult(Live().OrderBy(d => d.Model.Key, StringComparer.Ordinal).ThenBy(d => d.Silo, StringComparer.Ordinal)
            .ThenBy(d => d.Device, StringComparer.Ordinal).ToArray());

    public Task<ModelDescriptor?> Resolve(string modelKey)
    {
        var (id, version) = ModelKey.Parse(modelKey);
        var candidates = Live().Select(d => d.Model).Where(m => m.Id == id && (version is null || m.Version == version));
        return Task.FromResult(candidates.OrderByDescending(m => m.Version, ModelVersionComparer.Instance).FirstOrDefault());
    }

    private IEnumerable<ModelDeployment> Live()
    {
        var oldest = _time.GetUtcNow() - Lifetime;
        foreach (var key in _deployments.Where(d => d.Value.RegisteredAt < oldest).Select(d => d.Key).ToList()) _deployments.Remove(key);
        return _deployments.Values;
    }
}
