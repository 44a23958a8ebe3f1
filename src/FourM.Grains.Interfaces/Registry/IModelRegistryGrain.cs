namespace FourM.Grains.Interfaces.Registry;

/// <summary>
/// The cluster's model catalogue (key: <see cref="DefaultKey"/>): which model versions are loaded on which silo and
/// device. Silos register what they loaded once it is warm and unregister when they stop; clients resolve a bare
/// model id to the newest version that is loaded somewhere, so a session pins one version for its whole life.
/// </summary>
[Alias("fourm.IModelRegistryGrain")]
public interface IModelRegistryGrain : IGrainWithStringKey
{
    public const string DefaultKey = "default";

    Task Register(ModelDeployment deployment);

    /// <summary>Removes every deployment of a silo (it is stopping or was declared dead).</summary>
    Task UnregisterSilo(string silo);

    Task<ModelDeployment[]> List();

    /// <summary>The descriptor for <c>{id}</c> (newest version) or <c>{id}@{version}</c>; null when nothing matching is loaded.</summary>
    Task<ModelDescriptor?> Resolve(string modelKey);
}
