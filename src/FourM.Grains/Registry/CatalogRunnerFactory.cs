using FourM.Engine.Runners;
using FourM.Generation.Batching;

namespace FourM.Grains.Registry;

/// <summary>The engine's runner factory over a silo's <see cref="ModelCatalog"/>: finds the entry, its files, and loads it.</summary>
public sealed class CatalogRunnerFactory(ModelCatalog catalog, IModelLoader loader) : IRunnerFactory
{
    public IEncoderDecoderRunner Create(string modelId, string device)
    {
        var model = catalog.Find(modelId);
        // The engine thread is dedicated (never the Orleans scheduler), so waiting here blocks only this device;
        // the silo's warm-up fetches hub files before the first session, so this normally completes at once.
        var directory = catalog.DirectoryAsync(model).GetAwaiter().GetResult();
        return loader.Load(model, directory, device);
    }
}
