using FourM.Cli.Commands;
using Xunit;

namespace FourM.Serving.Tests.Platform.Bench;

/// <summary>The serving benchmark's closing line: medians over repeated runs, each throughput on its own.</summary>
public sealed class BenchServingRatiosTests
{
    private static BenchServingRow Run(double mixedSeconds, double homogeneousSeconds, double overheadShare) =>
        new(64, TimeSpan.FromSeconds(mixedSeconds), [1.0], 50, 5, 0.5, overheadShare)
        {
            Homogeneous = TimeSpan.FromSeconds(homogeneousSeconds),
            Sequential = TimeSpan.FromSeconds(4),
            SequentialSessions = 8,
        };

    [Fact]
    public void One_run_gives_its_own_ratios()
    {
        // 64 samples in 2 s = 32/s against 64/s homogeneous and 8 in 4 s = 2/s sequential.
        Assert.Equal("ratios: mixed/homogeneous=0.50 mixed/sequential=16.00 overhead=2.0%", BenchServingRow.Ratios([Run(2, 1, 0.02)]));
    }

    [Fact]
    public void Repeated_runs_compare_the_median_of_each_throughput()
    {
        // Mixed 32, 16, 25.6/s (median 25.6); homogeneous 64, 40, 32/s (median 40); overhead 2, 5, 1 % (median 2 %). The
        // medians come from different runs: 25.6 / 40 = 0.64, 25.6 / 2 = 12.8.
        var line = BenchServingRow.Ratios([Run(2, 1, 0.02), Run(4, 1.6, 0.05), Run(2.5, 2, 0.01)]);
        Assert.Equal("ratios: mixed/homogeneous=0.64 mixed/sequential=12.80 overhead=2.0% (medians of 3 runs)", line);
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.5, BenchServingRow.Median([4, 1, 3, 2]));
        Assert.Throws<ArgumentException>(() => BenchServingRow.Median([]));
    }
}
