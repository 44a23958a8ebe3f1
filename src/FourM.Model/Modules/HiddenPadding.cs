using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>Zero-padded weights for <see cref="MlpLayout.Aligned"/>.</summary>
public static class HiddenPadding
{
    /// <summary>64 bf16 values = 128 bytes, the alignment cuBLAS's fastest Hopper kernels want for every row.</summary>
    public const long Multiple = 64;

    public static long Padded(long hidden) => (hidden + Multiple - 1) / Multiple * Multiple;

    /// <summary>
    /// A layer that produces the hidden units: its weight (hidden, in) and bias become the leading rows of zero-padded
    /// (padded, in) tensors. The parameters are replaced by views of those rows, with the same shape, strides and values,
    /// so the reference path and checkpoint loading keep working and no memory is duplicated.
    /// </summary>
    public static (Tensor Weight, Tensor? Bias) PadOutputs(Linear linear, long padded)
    {
        using var noGrad = no_grad();
        var weight = PadRows(linear.weight!, padded);
        linear.weight = new Parameter(weight.narrow(0, 0, linear.weight!.shape[0]), requires_grad: false);
        if (linear.bias is null) return (weight, null);
        var bias = PadRows(linear.bias, padded);
        linear.bias = new Parameter(bias.narrow(0, 0, linear.bias.shape[0]), requires_grad: false);
        return (weight, bias);
    }

    /// <summary>
    /// A layer that consumes the hidden units: a zero-padded (out, padded) copy of its (out, hidden) weight. A copy, because a
    /// view of its leading columns would not be contiguous.
    /// </summary>
    public static Tensor PadInputs(Linear linear, long padded)
    {
        using var noGrad = no_grad();
        var source = linear.weight!;
        var weight = zeros(new[] { source.shape[0], padded }, dtype: source.dtype, device: source.device);
        weight.narrow(1, 0, source.shape[1]).copy_(source);
        return weight;
    }

    private static Tensor PadRows(Tensor source, long padded)
    {
        var shape = source.shape.ToArray();
        shape[0] = padded;
        var result = zeros(shape, dtype: source.dtype, device: source.device);
        result.narrow(0, 0, source.shape[0]).copy_(source);
        return result;
    }
}
