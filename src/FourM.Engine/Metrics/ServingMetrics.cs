using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FourM.Engine.Engine;
using FourM.Model.Runtime;

namespace FourM.Engine.Metrics;

/// <summary>
/// The <c>FourM.Serving</c> meter: queue time, batch rows, step time, tokens decoded (rate = tokens/s),
/// rejections, cancellations, Orleans overhead per step, time to a session's first step and end-to-end latency; gauges
/// read the engines' loads and their CUDA devices' memory in use.
/// </summary>
public sealed class ServingMetrics : IDisposable
{
    public const string MeterName = "FourM.Serving";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<DeviceEngine, byte> _engines = new();
    private readonly Func<string, long?> _deviceMemory;

    /// <param name="meterFactory">The host's factory (one meter per service provider); null: a meter of its own.</param>
    /// <param name="deviceMemory">Bytes in use on a device, null where unknown; <see cref="DeviceMemory.UsedBytes"/> by default.</param>
    public ServingMetrics(IMeterFactory? meterFactory = null, Func<string, long?>? deviceMemory = null)
    {
        _deviceMemory = deviceMemory ?? DeviceMemory.UsedBytes;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        QueueTime = _meter.CreateHistogram<double>("fourm.step.queue_time", "ms", "time a job waited in the engine queue");
        ForwardDuration = _meter.CreateHistogram<double>("fourm.step.forward_duration", "ms", "time of one batch on the device");
        BatchRows = _meter.CreateHistogram<int>("fourm.step.batch_rows", "{row}", "jobs per batch");
        TokensDecoded = _meter.CreateCounter<long>("fourm.engine.tokens_decoded", "{token}", "target tokens unmasked");
        JobsCompleted = _meter.CreateCounter<long>("fourm.engine.jobs_completed", "{job}");
        JobsCancelled = _meter.CreateCounter<long>("fourm.engine.jobs_cancelled", "{job}", "jobs dropped or abandoned by cancellation");
        Rejected = _meter.CreateCounter<long>("fourm.admission.rejected", "{request}", "work refused before queueing");
        StepDuration = _meter.CreateHistogram<double>("fourm.session.step_duration", "ms", "one session step as the session sees it (messaging + queue + device)");
        StepOverhead = _meter.CreateHistogram<double>("fourm.session.step_overhead", "ms", "session step time not spent queued or on the device (Orleans and mapping)");
        EndToEnd = _meter.CreateHistogram<double>("fourm.generation.e2e_latency", "s", "session start to completion");
        TimeToFirstPreview = _meter.CreateHistogram<double>("fourm.generation.time_to_first_preview", "s",
            "session start to its first step's update (the first token grid a watcher can show)");
        Failovers = _meter.CreateCounter<long>("fourm.session.failovers", "{session}", "sessions moved to another device because theirs went away");
        _meter.CreateObservableGauge("fourm.engine.rows_waiting", () => _engines.Keys.Select(e => new Measurement<int>(e.Snapshot().QueuedRows, new KeyValuePair<string, object?>("device", e.Device))), "{row}");
        _meter.CreateObservableGauge("fourm.engine.jobs_running", () => _engines.Keys.Select(e => new Measurement<int>(e.Snapshot().RunningJobs, new KeyValuePair<string, object?>("device", e.Device))), "{job}");
        _meter.CreateObservableGauge("fourm.engine.active_sessions", () => _engines.Keys.Select(e => new Measurement<int>(e.Snapshot().ActiveSessions, new KeyValuePair<string, object?>("device", e.Device))), "{session}");
        _meter.CreateObservableGauge("fourm.gpu.memory_used_bytes", DeviceMemoryInUse, "By", "memory in use on each CUDA device, every process counted");
    }

    /// <summary>The meter itself, for listeners that must tell this host's measurements from another's in one process.</summary>
    public Meter Meter => _meter;

    public Histogram<double> QueueTime { get; }
    public Histogram<double> ForwardDuration { get; }
    public Histogram<int> BatchRows { get; }
    public Counter<long> TokensDecoded { get; }
    public Counter<long> JobsCompleted { get; }
    public Counter<long> JobsCancelled { get; }
    public Counter<long> Rejected { get; }
    public Histogram<double> StepDuration { get; }
    public Histogram<double> StepOverhead { get; }
    public Histogram<double> EndToEnd { get; }
    public Histogram<double> TimeToFirstPreview { get; }
    public Counter<long> Failovers { get; }

    public void Track(DeviceEngine engine) => _engines.TryAdd(engine, 0);
    public void Untrack(DeviceEngine engine) => _engines.TryRemove(engine, out _);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> DeviceMemoryInUse()
    {
        foreach (var device in _engines.Keys.Select(e => e.Device).Distinct(StringComparer.Ordinal))
            if (_deviceMemory(device) is { } bytes)
                yield return new Measurement<long>(bytes, new KeyValuePair<string, object?>("device", device));
    }
}
