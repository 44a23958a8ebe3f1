using FourM.Generation.Batching;
using FourM.Generation.Sampling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Sampling;

/// <summary>
/// The batched race must be libtorch's <c>multinomial(p, 1)</c> draw for draw: checked here against torch itself on the CPU
/// (the same ATen code path runs on every device; only the exponential kernel differs, and it is called the same way).
/// </summary>
public sealed class ExponentialRaceTests
{
    [Fact]
    public void Many_jobs_drawn_together_match_torch_multinomial_per_job_and_leave_each_stream_where_torch_does()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        long[] rows = [3, 1, 4, 2, 5];
        long[] seeds = [11, 12, 13, 14, 15];
        var parts = rows.Select((r, j) => (torch.randn([r, 1000], generator: generator) * (1 + j)).softmax(-1)).ToArray();
        // Exact zeros (filtered entries) and a tie between two entries, as top-p filtering produces them.
        parts[2][0, TensorIndex.Slice(0, 900)] = torch.zeros(900);
        parts[2][0, 950] = torch.tensor(0.25f);
        parts[2][0, 951] = torch.tensor(0.25f);
        var probabilities = torch.cat(parts, 0);
        var randoms = seeds.Select(s => JobRandom.Create(s, CPU)).ToList();

        var (ids, drawn) = ExponentialRace.Sample(probabilities, rows, randoms);

        long offset = 0;
        for (int j = 0; j < rows.Length; j++)
        {
            var reference = new Generator((ulong)seeds[j]);
            var expected = torch.multinomial(parts[j], 1, replacement: false, generator: reference).squeeze(-1);
            Assert.Equal(expected.data<long>().ToArray(), ids.narrow(0, offset, rows[j]).data<long>().ToArray());
            Assert.Equal(parts[j].gather(-1, expected.unsqueeze(-1)).squeeze(-1).data<float>().ToArray(),
                drawn.narrow(0, offset, rows[j]).data<float>().ToArray());
            // The job's stream continues exactly where torch's did.
            Assert.Equal(torch.rand(7, generator: reference).data<float>().ToArray(), randoms[j].Rand(7).data<float>().ToArray());
            offset += rows[j];
        }
        foreach (var random in randoms) random.Dispose();
    }

    [Fact]
    public void A_row_with_nan_gets_the_invalid_id_and_the_other_rows_still_draw()
    {
        using var scope = NewDisposeScope();
        var probabilities = torch.tensor(new float[] { 0.1f, 0.9f, 0, float.NaN, 0.5f, 0.5f, 0, 0, 1 }).reshape(3, 3);
        var randoms = new[] { JobRandom.Create(1, CPU), JobRandom.Create(2, CPU) };

        var (ids, _) = ExponentialRace.Sample(probabilities, [2, 1], randoms);

        var host = ids.data<long>().ToArray();
        Assert.Equal(ExponentialRace.InvalidId, host[1]);
        Assert.Equal(2L, host[2]);   // the only entry with mass
        Assert.InRange(host[0], 0, 1);
        var error = Assert.Throws<InvalidOperationException>(() => RowSampler.CheckDrawn("job-7", "tok_rgb@224", host));
        Assert.Contains("job-7", error.Message);
        foreach (var random in randoms) random.Dispose();
    }
}
