using FourM.Generation.Sampling;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Sampling;

/// <summary>The managed replay of libtorch's CPU multinomial against libtorch itself, draw for draw.</summary>
public sealed class CpuMultinomialTests
{
    public static TheoryData<string, int, int> Distributions => new()
    {
        { "flat", 7, 16384 },
        { "peaked", 5, 4096 },
        { "sparse", 9, 1000 },
        { "one-hot", 3, 50 },
        { "single entry", 4, 1 },
        { "many rows across state refills", 300, 700 },
    };

    private static Tensor Probabilities(string kind, int rows, int vocab, Generator generator)
    {
        var logits = torch.randn([rows, vocab], generator: generator);
        return kind switch
        {
            "peaked" => (logits * 6).softmax(-1),
            "sparse" => logits.masked_fill(torch.rand([rows, vocab], generator: generator).lt(0.9), double.NegativeInfinity)
                .index_put_(torch.zeros(rows), torch.arange(rows), torch.zeros(rows, ScalarType.Int64)).softmax(-1),
            "one-hot" => torch.nn.functional.one_hot(torch.randint(0, vocab, [rows], generator: generator), vocab).to(ScalarType.Float32),
            _ => (logits * 0.05).softmax(-1),
        };
    }

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Draws_the_ids_libtorch_draws_and_leaves_the_generator_where_libtorch_would(string kind, int rows, int vocab)
    {
        using var scope = NewDisposeScope();
        var probabilities = Probabilities(kind, rows, vocab, new Generator(99));
        for (ulong seed = 0; seed < 3; seed++)
        {
            using var ours = new Generator(seed * 7919 + 1);
            using var theirs = new Generator(seed * 7919 + 1);
            // A partial use of the state first, so the replay starts mid-block.
            torch.rand((long)seed * 100 + 3, generator: ours);
            torch.rand((long)seed * 100 + 3, generator: theirs);
            var expected = torch.multinomial(probabilities, 1, replacement: false, generator: theirs).data<long>().ToArray();
            var sampled = CpuMultinomial.TrySample(probabilities, ours);
            Assert.NotNull(sampled);
            Assert.Equal(expected, sampled.data<long>().ToArray());
            Assert.Equal(torch.rand(5, generator: theirs).data<float>().ToArray(), torch.rand(5, generator: ours).data<float>().ToArray());
        }
    }

    [Fact]
    public void Invalid_or_unsupported_inputs_are_left_to_torch()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1);
        Assert.Null(CpuMultinomial.TrySample(torch.tensor(new[] { 0.5f, float.NaN }, [1, 2]), generator));
        Assert.Null(CpuMultinomial.TrySample(torch.tensor(new[] { 0.5f, -0.1f }, [1, 2]), generator));
        Assert.Null(CpuMultinomial.TrySample(torch.zeros(2, 3), generator));
        Assert.Null(CpuMultinomial.TrySample(torch.ones(3, 2).t(), generator));          // not contiguous
        Assert.Null(CpuMultinomial.TrySample(torch.ones(2, 3, ScalarType.Float64), generator));
    }
}
