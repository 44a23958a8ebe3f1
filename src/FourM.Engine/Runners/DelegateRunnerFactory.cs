using FourM.Generation.Batching;

namespace FourM.Engine.Runners;

/// <summary>A runner factory from a function (hosts that load one known model, tests, benchmarks).</summary>
public sealed class DelegateRunnerFactory(Func<string, string, IEncoderDecoderRunner> create) : IRunnerFactory
{
    public IEncoderDecoderRunner Create(string modelId, string device) => create(modelId, device);
}
