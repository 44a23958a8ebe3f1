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
    private readonly Stopwatch _watch = new();

    public int Steps { get; private set; }

    /// <summary>Starts timing the next phase of a step.</summary>
    public void Start()
    {
        Synchronize();
        _watch.Restart();
    }

    /// <summary>Charges the time since the last mark to <paramref name="phase"/>.</summary>
    public void Mark(string phase)
    {
        Synchronize();
        _milliseconds[phase] = _milliseconds.GetValueOrDefault(phase) + _watch.Elapsed.TotalMilliseconds;
        _watch.Restart();
    }

    public void EndStep() => Steps++;

    public void Reset()
    {
        _milliseconds.Clear();
        Steps = 0;
    }

    /// <summary>Total milliseconds of each phase since the last reset, in first-seen order.</summary>
    public IReadOnlyList<(string Phase, double Milliseconds)> Totals() => _milliseconds.Select(p => (p.Key, p.Value)).ToList();

    /// <summary>Milliseconds per step of each phase, in first-seen order.</summary>
    public IReadOnlyList<(string Phase, double MillisecondsPerStep)> PerStep() =>
        _milliseconds.Select(p => (p.Key, Steps == 0 ? 0 : p.Value / Steps)).ToList();

    private void Synchronize()
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
