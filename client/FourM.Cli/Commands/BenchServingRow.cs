using System.Globalization;

namespace FourM.Cli.Commands;

/// <summary>One line of the benchmark report.</summary>
public sealed record BenchServingRow(
    int Sessions, TimeSpan Elapsed, IReadOnlyList<double> Latencies, double MeanBatchRows, double MeanQueueMilliseconds,
    double MeanOverheadMilliseconds, double OverheadShare)
{
    public TimeSpan Sequential { get; init; }
    /// <summary>How many of the requests the sequential baseline ran (its throughput does not depend on N).</summary>
    public int SequentialSessions { get; init; }
    public TimeSpan Homogeneous { get; init; }
    public int IdenticalToSequential { get; init; }
    /// <summary>Time the device thread spent in batches during the mixed run.</summary>
    public TimeSpan DeviceBusy { get; init; }

    public double SamplesPerSecond => Sessions / Elapsed.TotalSeconds;
    public double SequentialSamplesPerSecond => SequentialSessions / Sequential.TotalSeconds;
    public double HomogeneousSamplesPerSecond => Sessions / Homogeneous.TotalSeconds;

    private double Percentile(double p)
    {
        var sorted = Latencies.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"sessions={Sessions,3}  mixed {SamplesPerSecond,8:0.000} samples/s  p50 {Percentile(0.5),7:0.00} s  p95 {Percentile(0.95),7:0.00} s  " +
        $"batch rows {MeanBatchRows,6:0.0}  queue {MeanQueueMilliseconds,8:0.0} ms  overhead/step {MeanOverheadMilliseconds,6:0.00} ms ({OverheadShare * 100:0.0}%)  device busy {DeviceBusy.TotalSeconds / Elapsed.TotalSeconds * 100,3:0}%  | " +
        $"sequential {SequentialSamplesPerSecond,8:0.000} samples/s  homogeneous {HomogeneousSamplesPerSecond,8:0.000} samples/s  | tokens identical to sequential {IdenticalToSequential}/{SequentialSessions}");

    /// <summary>
    /// The closing line over the runs of one N: the median mixed throughput against the median homogeneous and sequential
    /// ones, and the median overhead share (one run: its own figures).
    /// </summary>
    public static string Ratios(IReadOnlyList<BenchServingRow> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("no runs to summarise", nameof(runs));
        var mixed = Median(runs.Select(r => r.SamplesPerSecond));
        var homogeneous = Median(runs.Select(r => r.HomogeneousSamplesPerSecond));
        var sequential = Median(runs.Select(r => r.SequentialSamplesPerSecond));
        var overhead = Median(runs.Select(r => r.OverheadShare));
        return FormattableString.Invariant(
            $"ratios: mixed/homogeneous={mixed / homogeneous:0.00} mixed/sequential={mixed / sequential:0.00} overhead={overhead * 100:0.0}%")
            + (runs.Count > 1 ? FormattableString.Invariant($" (medians of {runs.Count} runs)") : "");
    }

    /// <summary>The middle value; the mean of the two middle ones for an even count.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("no values", nameof(values));
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
