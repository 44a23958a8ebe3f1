using System.Diagnostics.Metrics;

namespace FourM.Serving.Tests.Platform.Metrics;

/// <summary>
/// Records every measurement of one <see cref="Meter"/> instance. Tests run in parallel, each host with its own meter of the
/// same name, so the recorder matches the instance, not the name.
/// </summary>
public sealed class MeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

    public MeterRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Add(i, v, t));
        _listener.Start();
    }

    /// <summary>The values recorded for <paramref name="instrument"/>.</summary>
    public IReadOnlyList<double> Values(string instrument)
    {
        lock (_measurements)
            return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value).ToList();
    }

    /// <summary>The tags of the measurements of <paramref name="instrument"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>[]> Tags(string instrument)
    {
        lock (_measurements)
            return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Tags).ToList();
    }

    /// <summary>Asks every observable instrument (gauges) for its current values.</summary>
    public void CollectGauges() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_measurements) _measurements.Add((instrument.Name, value, tags.ToArray()));
    }
}
