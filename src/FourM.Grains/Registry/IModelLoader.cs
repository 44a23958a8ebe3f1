using FourM.Generation.Batching;

namespace FourM.Grains.Registry;

/// <summary>
/// Builds a step runner for a configured model on a device. <paramref name="directory"/> holds <c>config.json</c> and
/// <c>model.safetensors</c>, or is null for <c>random:</c> sources. Runs on the device's engine thread.
/// </summary>
public interface IModelLoader
{
    IEncoderDecoderRunner Load(ModelEntry model, string? directory, string device);

    /// <summary>The modalities the model serves (for the registry); may load the config only.</summary>
    IReadOnlyList<string> Modalities(ModelEntry model, string? directory);
}
