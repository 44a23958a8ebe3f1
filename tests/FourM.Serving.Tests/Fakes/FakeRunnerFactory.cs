using FourM.Engine.Runners;
using FourM.Generation.Batching;

namespace FourM.Serving.Tests.Fakes;

/// <summary>One silo's runner factory: one <see cref="HashingFakeRunner"/> per device (any model id).</summary>
public sealed class FakeRunnerFactory : IRunnerFactory
{
    private readonly Dictionary<string, HashingFakeRunner> _runners = new(StringComparer.Ordinal);

    public HashingFakeRunner RunnerFor(string device)
    {
        lock (_runners)
        {
            if (!_runners.TryGetValue(device, out var runner)) _runners[device] = runner = new HashingFakeRunner();
            return runner;
        }
    }

    public IEncoderDecoderRunner Create(string modelId, string device) => RunnerFor(device);
}
