using System.Collections.Concurrent;
using FourM.Engine.Metrics;
using FourM.Engine.Runners;

namespace FourM.Engine.Engine;

/// <summary>The device engines of one silo (one per device it owns), created on first use and stopped on dispose.</summary>
public sealed class DeviceEngines(IReadOnlyList<string> devices, IRunnerFactory runnerFactory, EngineOptions options, ServingMetrics metrics,
    ITokenizerRunnerFactory? tokenizerFactory = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<DeviceEngine>> _engines = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Devices { get; } = devices;

    public DeviceEngine Get(string device)
    {
        if (!Devices.Contains(device, StringComparer.Ordinal))
            throw new ArgumentException($"this silo does not own device '{device}' (it owns: {string.Join(", ", Devices)})", nameof(device));
        return _engines.GetOrAdd(device, d => new Lazy<DeviceEngine>(() => new DeviceEngine(d, runnerFactory, options, metrics, tokenizerFactory))).Value;
    }

    public void Dispose()
    {
        foreach (var engine in _engines.Values.Where(l => l.IsValueCreated)) engine.Value.Dispose();
    }
}
