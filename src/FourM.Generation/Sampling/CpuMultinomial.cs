using System.Buffers;
using System.Runtime.InteropServices;
using FourM.Generation.Batching;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Sampling;

/// <summary>
/// <c>torch.multinomial(p, 1)</c> on CPU float32 rows, with libtorch's draws replayed in managed code. libtorch samples one
/// id per row as <c>argmax(p / q)</c>, q ~ Exp(1) drawn for every entry (<c>q = −log1p(−u)</c>, u from a 64-bit draw); that
/// log1p over every vocabulary entry was a sixth of the CPU serving benchmark. Here every u is drawn in order (so the
/// generator ends where libtorch's would), but the exact q is computed only where it can matter: q ≥ u, so p/u bounds
/// p/q from above, and an entry whose bound is below the best exact ratio so far cannot win. Candidates get libtorch's
/// own arithmetic (double log1p from the C library, float q, float division, first index wins ties, NaN wins).
/// </summary>
public static partial class CpuMultinomial
{
    // Covers the float rounding of q and of p / q (a few ulp) with a wide margin: it only decides which entries are checked exactly.
    private const double BoundSlack = 1 + 1e-5;

    /// <returns>(rows, 1) int64 ids, or null when this path does not apply (the caller then uses torch).</returns>
    public static Tensor? TrySample(Tensor probabilities, Generator generator)
    {
        if (probabilities.device_type != DeviceType.CPU || probabilities.dtype != ScalarType.Float32 || probabilities.dim() != 2
            || !probabilities.is_contiguous()) return null;   // libtorch draws in memory order; keep to the layout where that is row order
        int rows = checked((int)probabilities.shape[0]);
        int vocab = checked((int)probabilities.shape[1]);
        if (rows == 0 || vocab == 0) return null;
        var p = HostArrays.Span<float>(probabilities);   // in place: no managed copy of (rows, V)
        // Invalid rows (negative, infinite, NaN, all zero) go to torch, which reports them as the reference would see them.
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            foreach (float value in p.Slice(r * vocab, vocab))
            {
                if (!(value >= 0) || float.IsPositiveInfinity(value)) return null;
                sum += value;
            }
            if (!(sum > 0)) return null;
        }
        var stream = TorchCpuGeneratorStream.Read(generator);
        if (stream is null) return null;
        var ids = new long[rows];
        var pooled = ArrayPool<double>.Shared.Rent(vocab);
        try
        {
            var uniforms = pooled.AsSpan(0, vocab);
            for (int r = 0; r < rows; r++)
            {
                stream.NextUniformDoubles(uniforms);
                ids[r] = SampleRow(p.Slice(r * vocab, vocab), uniforms);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(pooled);
        }
        stream.WriteTo(generator);
        return torch.tensor(ids, [rows, 1]);
    }

    private static int SampleRow(ReadOnlySpan<float> p, ReadOnlySpan<double> uniforms)
    {
        int best = -1;
        float bestRatio = float.NegativeInfinity;
        for (int v = 0; v < p.Length; v++)
        {
            double u = uniforms[v];
            float pv = p[v];
            if (best >= 0 && u > 0)
            {
                if (float.IsNaN(bestRatio)) continue;                       // a NaN already won; only an earlier index could
                if (pv / u * BoundSlack < bestRatio) continue;
            }
            float q = (float)(-Log1p(-u));
            float ratio = pv / q;
            if (best < 0 || Greater(ratio, bestRatio))
            {
                best = v;
                bestRatio = ratio;
            }
        }
        return best;
    }

    // libtorch's argmax: NaN beats every number; among equals the first index stays.
    private static bool Greater(float candidate, float best) =>
        !float.IsNaN(best) && (float.IsNaN(candidate) || candidate > best);

    [LibraryImport("libm.so.6", EntryPoint = "log1p")]
    private static partial double Log1p(double x);
}
