using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Embeddings;

/// <summary>The reference's fixed sin-cos position tables (<c>build_1d_sincos_posemb</c>, <c>build_2d_sincos_posemb</c>), in float32.</summary>
public static class SinCosPositions
{
    private const double Temperature = 10000.0;

    /// <summary>(1, length, dim): <c>[sin(n·ω), cos(n·ω)]</c> with <c>ω_i = 1/10000^(i/(dim/2))</c>.</summary>
    public static Tensor Build1D(long length, long dim)
    {
        if (dim % 2 != 0) throw new ArgumentException($"1D sin-cos positions need an even dimension, got {dim}");
        using var scope = NewDisposeScope();
        var positions = ScalarOperands.Range(length, ScalarType.Float32);
        var omega = Frequencies(dim / 2);
        var angles = outer(positions, omega);
        return cat([angles.sin(), angles.cos()], 1).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (1, h·w, dim). Literally the reference: <c>meshgrid(arange(w), arange(h), indexing='ij')</c>, so flat index n holds
    /// w-part n // h and h-part n % h — row and column roles are transposed relative to row-major token order.
    /// </summary>
    public static Tensor Build2D(long h, long w, long dim)
    {
        if (dim % 4 != 0) throw new ArgumentException($"2D sin-cos positions need a dimension divisible by 4, got {dim}");
        using var scope = NewDisposeScope();
        var grids = meshgrid([ScalarOperands.Range(w, ScalarType.Float32), ScalarOperands.Range(h, ScalarType.Float32)], indexing: "ij");
        var omega = Frequencies(dim / 4);
        var outW = outer(grids[0].reshape(-1), omega);
        var outH = outer(grids[1].reshape(-1), omega);
        return cat([outW.sin(), outW.cos(), outH.sin(), outH.cos()], 1).unsqueeze(0).MoveToOuterDisposeScope();
    }

    private static Tensor Frequencies(long count)
    {
        var exponent = ScalarOperands.Range(count, ScalarType.Float32).DivBy(count);
        return tensor((float)Temperature).pow(exponent).reciprocal();
    }
}
