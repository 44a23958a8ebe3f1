using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Optional wall-clock breakdown of the step runner's phases (benchmarks). Each mark waits for the device first, so work
/// queued by a phase is charged to that phase; that wait is itself a host sync, so profiled runs are a little slower.
/// </summary>
public sealed class StepProfile(Device device)
{
    /// <summary>
    /// Phases: encoder inputs + encoder; host-side step inputs (positions, queries); decoder; logits heads + guidance; sampling +
    /// write-back; autoregressive targets (all their tokens).
    /// </summary>
    public const string Encoder = "encoder", Host = "host", Decoder = "decoder", Logits = "logits", Sampling = "sampling", Autoregressive = "autoregressive";

    private readonly Dictionary<string, double> _milliseconds = new();
    private readonly Dictionary<string, double> _hostMilliseconds = new();
    private readonly Dictionary<string, long> _tensors = new();
    private readonly Stopwatch _watch = new();
    private long _tensorsAtMark;
    private TimeSpan _gcPauseAtReset = GC.GetTotalPauseDuration();

    public int Steps { get; private set; }

    /// <summary>Starts timing the next phase of a step.</summary>
    public void Start()
    {
        Synchronize();
        _tensorsAtMark = TensorsCreated();
        _watch.Restart();
    }

    /// <summary>Charges the time since the last mark to <paramref name="phase"/>.</summary>
    public void Mark(string phase)
    {
        // Before the wait: how long the host took to issue the phase; a phase whose wall time is much longer waited for the device.
        _hostMilliseconds[phase] = _hostMilliseconds.GetValueOrDefault(phase) + _watch.Elapsed.TotalMilliseconds;
        Synchronize();
        _milliseconds[phase] = _milliseconds.GetValueOrDefault(phase) + _watch.Elapsed.TotalMilliseconds;
        var created = TensorsCreated();
        _tensors[phase] = _tensors.GetValueOrDefault(phase) + created - _tensorsAtMark;
        _tensorsAtMark = created;
        _watch.Restart();
    }

    public void EndStep() => Steps++;

    public void Reset()
    {
        _milliseconds.Clear();
        _hostMilliseconds.Clear();
        _tensors.Clear();
        _gcPauseAtReset = GC.GetTotalPauseDuration();
        Steps = 0;
    }

    /// <summary>Total milliseconds of each phase since the last reset, in first-seen order.</summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> Totals() => _milliseconds.Select(p => (p.Key, p.Value)).ToList();

    /// <summary>Milliseconds per step of each phase, in first-seen order.</summary>
    public IReadOnlyList<(string Phase, double MillisecondsPerStep)> PerStep() =>
        _milliseconds.Select(p => (p.Key, Steps == 0 ? 0 : p.Value / Steps)).ToList();

    /// <summary>
    /// Milliseconds per step the host spent issuing each phase (its wall time before the closing device wait), in first-seen
    /// order: close to <see cref="PerStep"/> when the phase is bound by the host, much lower when it waited for the device.
    /// </summary>
    public IReadOnlyList<(string Phase, double MillisecondsPerStep)> HostPerStep() =>
        _hostMilliseconds.Select(p => (p.Key, Steps == 0 ? 0 : p.Value / Steps)).ToList();

    /// <summary>Garbage-collection pause per step since the last reset (all threads' collections, so only meaningful alone).</summary>
    public double GcPauseMillisecondsPerStep => Steps == 0 ? 0 : (GC.GetTotalPauseDuration() - _gcPauseAtReset).TotalMilliseconds / Steps;

    /// <summary>
    /// Tensors created per step of each phase, in first-seen order: every TorchSharp call that returns a tensor (views
    /// included) creates one, so this counts the host's calls into libtorch, which bound launch-bound steps.
    /// </summary>
    public IReadOnlyList<(string Phase, double TensorsPerStep)> TensorsPerStep() =>
        _tensors.Select(p => (p.Key, Steps == 0 ? 0 : p.Value / (double)Steps)).ToList();

    private static long TensorsCreated()
    {
        var statistics = DisposeScopeManager.Statistics.TensorStatistics;
        return statistics.CreatedInScopeCount + statistics.CreatedOutsideScopeCount;
    }

    private void Synchronize()
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
