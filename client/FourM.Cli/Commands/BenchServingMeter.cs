using System.Diagnostics.Metrics;
using FourM.Engine.Metrics;

namespace FourM.Cli.Commands;

/// <summary>Aggregates the FourM.Serving instruments of one benchmark run (reset between runs).</summary>
public sealed class BenchServingMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object _lock = new();
    private readonly Dictionary<string, (double Sum, long Count)> _histograms = new();

    /// <summary>The device's batches of the run, for <see cref="BenchServingTimeline.Describe"/>.</summary>
    public BenchServingTimeline Timeline { get; } = new();

    public BenchServingMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ServingMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i.Name, v));
        _listener.SetMeasurementEventCallback<int>((i, v, _, _) => Record(i.Name, v));
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i.Name, v));
        _listener.Start();
    }

    private void Record(string name, double value)
    {
        if (name == "fourm.step.forward_duration") Timeline.BatchEnded(System.Diagnostics.Stopwatch.GetTimestamp(), value);
        else if (name == "fourm.step.batch_rows") Timeline.BatchRows((int)value);
        lock (_lock)
        {
            var (sum, count) = _histograms.GetValueOrDefault(name);
            _histograms[name] = (sum + value, count + 1);
        }
    }

    public void Reset()
    {
        lock (_lock) _histograms.Clear();
        Timeline.Reset();
    }

    public double Mean(string name)
    {
        lock (_lock) return _histograms.TryGetValue(name, out var h) && h.Count > 0 ? h.Sum / h.Count : 0;
    }

    public double Sum(string name)
    {
        lock (_lock) return _histograms.TryGetValue(name, out var h) ? h.Sum : 0;
    }

    public void Dispose() => _listener.Dispose();
}
