using TorchSharp;
using FourM.Generation.Batching;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Generation.Sampling;

/// <summary>
/// The reference's <c>sample_tokens</c>: near-zero temperature is argmax with probability 1; otherwise top-k/top-p filtering,
/// then <c>softmax(filtered / temperature)</c>, one multinomial draw per row, and the probability of the drawn token.
/// All draws come from the caller's job stream, so a job's tokens depend only on its own seed.
/// </summary>
public static class TokenSampler
{
    /// <summary>The reference's <c>np.isclose(temperature, 0, atol=1e-10)</c>.</summary>
    public static bool IsGreedy(double temperature) => Math.Abs(temperature) <= 1e-10;

    /// <param name="logits">(rows, V) float logits.</param>
    /// <returns>Sampled ids (rows) as int64 and the probability of each sampled id (rows) as float32.</returns>
    public static (Tensor Samples, Tensor Probabilities) Sample(Tensor logits, double temperature, TopK topK, double topP, JobRandom? random)
    {
        using var scope = NewDisposeScope();
        if (IsGreedy(temperature))
        {
            var argmax = logits.argmax(-1);
            var ones = torch.ones(argmax.shape, dtype: ScalarType.Float32, device: logits.device);
            return (argmax.MoveToOuterDisposeScope(), ones.MoveToOuterDisposeScope());
        }
        var filtered = LogitFilter.Apply(logits, topK, topP);
        var probs = filtered.DivBy(temperature).softmax(-1);
        var samples = random?.Multinomial(probs) ?? torch.multinomial(probs, 1, replacement: false);
        var sampledProbs = probs.gather(-1, samples).squeeze(-1);
        return (samples.squeeze(-1).MoveToOuterDisposeScope(), sampledProbs.MoveToOuterDisposeScope());
    }
}
