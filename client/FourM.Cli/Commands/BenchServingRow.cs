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

    public string Ratios() => string.Create(CultureInfo.InvariantCulture,
        $"ratios: mixed/homogeneous={SamplesPerSecond / HomogeneousSamplesPerSecond:0.00} mixed/sequential={SamplesPerSecond / SequentialSamplesPerSecond:0.00} overhead={OverheadShare * 100:0.0}%");
}
