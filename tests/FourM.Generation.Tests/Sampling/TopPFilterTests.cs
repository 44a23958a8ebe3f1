using FourM.Generation.Sampling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Sampling;

/// <summary>The CPU value-threshold top-p against the reference's sort-and-scatter, and the radix sort it stands on.</summary>
public sealed class TopPFilterTests
{
    private static bool Same(Tensor a, Tensor b) => a.data<float>().ToArray().SequenceEqual(b.data<float>().ToArray());

    [Fact]
    public void Radix_sort_gives_the_descending_value_sequence_of_a_comparison_sort()
    {
        var random = new Random(7);
        float[] specials = [0f, -0f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1f, -1f];
        foreach (int n in new[] { 0, 1, 2, 17, 1000, 16384 })
        {
            var values = new float[n];
            for (int i = 0; i < n; i++)
                values[i] = (i % 5) switch
                {
                    0 => specials[random.Next(specials.Length)],
                    1 => (float)random.Next(-3, 4),                      // ties
                    2 => (float)(random.NextDouble() * 1e-3),            // one exponent range: skipped digit passes
                    _ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30))),
                };
            var expected = values.ToArray();
            Array.Sort(expected, (a, b) => b.CompareTo(a));
            var sorted = new float[n];
            Assert.True(DescendingFloatRadixSort.Sort(values, sorted, new uint[n]));
            for (int i = 0; i < n; i++) Assert.True(expected[i] == sorted[i], $"n={n} rank {i}: {expected[i]} vs {sorted[i]}");
        }
    }

    [Fact]
    public void Radix_sort_refuses_NaN()
    {
        var sorted = new float[3];
        Assert.False(DescendingFloatRadixSort.Sort([1f, float.NaN, 2f], sorted, new uint[3]));
    }

    [Theory]
    [InlineData(0.8, 16384, 1)]
    [InlineData(0.5, 1000, 2)]
    [InlineData(0.99, 30, 3)]
    [InlineData(1e-6, 500, 4)]
    [InlineData(0.999999, 64, 5)]
    public void Value_threshold_equals_the_sort_permutation_path_on_continuous_logits(double topP, int vocab, int seed)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)seed);
        var logits = torch.randn([12, vocab], generator: generator) * (seed % 2 == 0 ? 4.0 : 0.05);
        var fast = ValueThresholdTopP.TryApply(logits, topP);
        Assert.NotNull(fast);
        Assert.True(Same(fast, TopPFilter.ApplyBySortPermutation(logits, topP)));
    }

    [Fact]
    public void Logits_already_cut_by_top_k_filter_the_same_way()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        var logits = torch.randn([8, 4096], generator: generator);
        var topK = LogitFilter.Apply(logits, TopK.Count(300), 0);
        var fast = ValueThresholdTopP.TryApply(topK, 0.9);
        Assert.NotNull(fast);
        Assert.True(Same(fast, TopPFilter.ApplyBySortPermutation(topK, 0.9)));
    }

    [Fact]
    public void Ties_away_from_the_cut_take_the_fast_path_and_ties_across_it_fall_back_to_the_reference()
    {
        using var scope = NewDisposeScope();
        // Probabilities 0.4, 0.2, 0.2, 0.1, 0.1 (tokens shuffled): p = 0.5 cuts inside the 0.2 pair, p = 0.7 after it.
        var logits = torch.tensor(new[] { MathF.Log(0.1f), MathF.Log(0.2f), MathF.Log(0.4f), MathF.Log(0.1f), MathF.Log(0.2f) }, [1, 5]);
        Assert.Null(ValueThresholdTopP.TryApply(logits, 0.5));
        var away = ValueThresholdTopP.TryApply(logits, 0.7);
        Assert.NotNull(away);
        Assert.True(Same(away, TopPFilter.ApplyBySortPermutation(logits, 0.7)));
        Assert.Equal([false, true, true, false, true], away.isfinite().data<bool>().ToArray());
        // Whatever path a row takes, the dispatcher's answer is the reference's.
        foreach (var p in new[] { 0.3, 0.5, 0.7, 0.85, 0.95 })
            Assert.True(Same(TopPFilter.Apply(logits, p), TopPFilter.ApplyBySortPermutation(logits, p)), $"p={p}");
    }

    [Fact]
    public void Rows_of_many_ties_agree_with_the_reference_whichever_path_they_take()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        var logits = torch.randint(0, 4, [64, 50], generator: generator).to(ScalarType.Float32);
        foreach (var p in new[] { 0.1, 0.45, 0.8 })
            Assert.True(Same(TopPFilter.Apply(logits, p), TopPFilter.ApplyBySortPermutation(logits, p)), $"p={p}");
    }
}
