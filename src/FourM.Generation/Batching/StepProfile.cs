using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Optional wall-clock breakdown of the step runner's phases (benchmarks). Each mark waits for the device first, so work
/// queued by a phase is charged to that phase; that wait is itself a host sync, so profiled runs are a little slower.
/// Unsynchronised (<paramref name="synchronizes"/> false), the marks only read the clock: each phase's time is the host's,
/// including any wait for the device inside it, which shows where a step blocks when nothing forces it to.
/// </summary>
public sealed class StepProfile(Device device, bool synchronizes = true)
{
    /// <summary>
    /// Phases: encoder inputs + encoder; host-side step inputs (positions, queries); decoder; logits heads + guidance; sampling +
    /// write-back; autoregressive targets (all their tokens).
    /// </summary>
    public const string Encoder = "encoder", Host = "host", Decoder = "decoder", Logits = "logits", Sampling = "sampling", Autoregressive = "autoregressive";

    /// <summary>Pass kinds counted besides the phases: a decoder pass's query slots and its context slots.</summary>
    public const string DecoderQueries = "decoder-queries", DecoderContext = "decoder-context";

    private readonly Dictionary<string, double> _milliseconds = new();
    private readonly Dictionary<string, double> _hostMilliseconds = new();
    private readonly Dictionary<string, long> _tensors = new();
    private readonly Dictionary<string, PassTally> _passes = new();
    private readonly Stopwatch _watch = new();
    private readonly List<StepRecord> _records = new();
    private StepRecord _current = new();
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
        _current.Milliseconds += _watch.Elapsed.TotalMilliseconds;
        var created = TensorsCreated();
        _current.Tensors += created - _tensorsAtMark;
        _tensors[phase] = _tensors.GetValueOrDefault(phase) + created - _tensorsAtMark;
        _tensorsAtMark = created;
        _watch.Restart();
    }

    public void EndStep()
    {
        Steps++;
        _records.Add(_current);
        _current = new StepRecord();
    }

    /// <summary>One runner batch (a step of many jobs): its profiled time, host calls, passes and rows.</summary>
    private sealed class StepRecord
    {
        public double Milliseconds;
        public long Tensors;
        public int EncoderPasses, DecoderPasses, LogitsGroups;
        public long EncoderRows;
    }

    /// <summary>
    /// Steps grouped by their encoder rows (1–8, 9–32, 33–96, 97+): count, mean milliseconds, mean host calls and passes, so a
    /// mixed run's steps compare with a lockstep run's of the same size.
    /// </summary>
    public string StepSummary() => string.Join("; ", _records.GroupBy(r => r.EncoderRows switch { <= 8 => "1-8", <= 32 => "9-32", <= 96 => "33-96", _ => "97+" })
        .OrderBy(g => g.Min(r => r.EncoderRows))
        .Select(g => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"rows {g.Key}: {g.Count()} steps, {g.Average(r => r.Milliseconds):F1} ms, {g.Average(r => r.Tensors):F0} tensors, enc {g.Average(r => r.EncoderPasses):F2} dec {g.Average(r => r.DecoderPasses):F2} logits {g.Average(r => r.LogitsGroups):F2}")));

    /// <summary>
    /// Records one device pass of <paramref name="kind"/> (encoder, decoder queries, decoder context, logits heads,
    /// autoregressive runs): its rows, the real tokens it held and the token slots it computed.
    /// </summary>
    public void CountPass(string kind, int rows, long validTokens, long paddedTokens)
    {
        _passes[kind] = _passes.GetValueOrDefault(kind, PassTally.Empty).Add(rows, validTokens, paddedTokens);
        switch (kind)
        {
            case Encoder: _current.EncoderPasses++; _current.EncoderRows += rows; break;
            case DecoderQueries: _current.DecoderPasses++; break;
            case Logits: _current.LogitsGroups++; break;
        }
    }

    /// <summary>One line: each pass kind's count, mean rows, mean tokens slots computed per pass and fill.</summary>
    public string PassSummary() => string.Join("; ", _passes.Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{p.Key} {p.Value.Passes} × {(double)p.Value.Rows / p.Value.Passes:F1} rows × {(double)p.Value.PaddedTokens / Math.Max(1, p.Value.Rows):F0} slots, fill {p.Value.Fill:P0}")));

    public void Reset()
    {
        _milliseconds.Clear();
        _hostMilliseconds.Clear();
        _tensors.Clear();
        _passes.Clear();
        _records.Clear();
        _current = new StepRecord();
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

    /// <summary>Whether marks wait for the device (see the class remarks).</summary>
    public bool Synchronizes => synchronizes;

    private void Synchronize()
    {
        if (synchronizes && device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
