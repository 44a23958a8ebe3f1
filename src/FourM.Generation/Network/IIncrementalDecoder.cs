using static TorchSharp.torch;

namespace FourM.Generation.Network;

/// <summary>
/// Causal decoding one position at a time against a fixed context: each call appends one query per row and returns that
/// position's normalised decoder output, equal (up to float rounding) to re-running the decoder on the whole prefix with a
/// causal mask and taking the last row.
/// </summary>
public interface IIncrementalDecoder : IDisposable
{
    /// <param name="next">(B, 1, D) decoder input of the newest position.</param>
    /// <returns>(B, 1, D) decoder output for that position.</returns>
    Tensor Step(Tensor next);
}
