using System.Diagnostics;
using System.Globalization;

namespace FourM.Cli.Commands;

/// <summary>
/// Where a served run's wall time went, in three phases: while sessions were still arriving, from the last arrival to the
/// first completion (every session in flight), and from there to the last completion. Per phase: the device's batches
/// (count, mean rows), the share of the phase the device was busy, and the idle gaps between batches. Batches are taken
/// from the engine's <c>fourm.step.forward_duration</c> measurements (recorded as a batch ends) and their rows from the
/// <c>fourm.step.batch_rows</c> one that follows it on the same thread.
/// </summary>
public sealed class BenchServingTimeline
{
    public readonly record struct Batch(long Start, long End, int Rows);

    /// <summary>
    /// Run boundaries as <see cref="Stopwatch"/> timestamps. <see cref="LastArrival"/>: the last session was admitted (its
    /// start call returned); <see cref="LastIssued"/>: its start call was made (0: unknown).
    /// </summary>
    public readonly record struct Phases(long Start, long LastArrival, long FirstCompletion, long End)
    {
        public long LastIssued { get; init; }
    }

    private readonly object _lock = new();
    private readonly List<Batch> _batches = new();

    public void BatchEnded(long end, double milliseconds)
    {
        lock (_lock) _batches.Add(new Batch(end - (long)(milliseconds / 1000 * Stopwatch.Frequency), end, 0));
    }

    public void BatchRows(int rows)
    {
        lock (_lock)
            if (_batches.Count > 0 && _batches[^1].Rows == 0) _batches[^1] = _batches[^1] with { Rows = rows };
    }

    public void Reset()
    {
        lock (_lock) _batches.Clear();
    }

    public IReadOnlyList<Batch> Batches
    {
        get { lock (_lock) return _batches.ToList(); }
    }

    public string Describe(Phases phases)
    {
        var batches = Batches;
        var issued = phases.LastIssued > 0
            ? string.Create(CultureInfo.InvariantCulture, $"last session issued at {Seconds(phases.LastIssued - phases.Start):0.000} s; ")
            : "";
        return "timeline: " + issued + string.Join("; ",
            Phase("arriving", phases.Start, phases.LastArrival, batches),
            Phase("all in flight", phases.LastArrival, phases.FirstCompletion, batches),
            Phase("finishing", phases.FirstCompletion, phases.End, batches));
    }

    /// <summary>One phase: batches that started in it, and busy time clipped to it.</summary>
    public static string Phase(string name, long from, long to, IReadOnlyList<Batch> batches)
    {
        var length = Seconds(Math.Max(0, to - from));
        var inside = batches.Where(b => b.Start >= from && b.Start < to).ToList();
        var busy = batches.Sum(b => Seconds(Math.Max(0, Math.Min(b.End, to) - Math.Max(b.Start, from))));
        var idle = Math.Max(0, length - busy);
        var meanRows = inside.Count > 0 ? inside.Average(b => b.Rows) : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{name} {length:0.000} s, {inside.Count} batches of {meanRows:0.0} rows, busy {(length > 0 ? busy / length * 100 : 0):0}%, idle {idle * 1000:0} ms");
    }

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
}
