using FourM.Generation.Batching;

namespace FourM.Engine.Runners;

/// <summary>
/// Loads a model onto a device as a step runner. Called on the device's engine thread (loading is torch work), once
/// per model and device.
/// </summary>
public interface IRunnerFactory
{
    IEncoderDecoderRunner Create(string modelId, string device);
}
