using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Model.Runtime;

/// <summary>
/// Tensor operations with a number operand that keep the operand's native scalar alive for the whole call.
/// <para>
/// Why: TorchSharp 0.107 turns a number into a finalizable <see cref="Scalar"/> (implicitly, or inside its operators) and
/// passes only its handle to libtorch; once the handle is read the object is unreachable, so a garbage collection during
/// the native call can finalize it and free the scalar libtorch is reading. Seen here as a random
/// <c>Expected false to be true</c> from <c>Scalar::toDouble</c> in a CPU generation benchmark. Each helper holds the
/// scalar in a <c>using</c> until the call has returned, then frees it at once.
/// </para>
/// </summary>
public static class ScalarOperands
{
    // libtorch's default alpha of add and sub. A process-lifetime constant: the static reference keeps it from ever being
    // finalized (TorchSharp's own add(Tensor) makes a temporary one per call, with the hazard above).
    private static readonly Scalar One = 1.ToScalar();

    /// <summary><c>a + b</c> for tensors. (<c>a − b</c> needs no helper: TorchSharp's sub passes no scalar.)</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    public static Tensor MulBy(this Tensor tensor, double value) { using var s = value.ToScalar(); return tensor.mul(s); }
    public static Tensor DivBy(this Tensor tensor, double value) { using var s = value.ToScalar(); return tensor.div(s); }
    public static Tensor Plus(this Tensor tensor, long value) { using var s = value.ToScalar(); return tensor.add(s); }
    public static Tensor Plus(this Tensor tensor, double value) { using var s = value.ToScalar(); return tensor.add(s); }
    public static Tensor Minus(this Tensor tensor, long value) { using var s = value.ToScalar(); return tensor.sub(s); }
    /// <summary><c>value − tensor</c>.</summary>
    public static Tensor SubtractedFrom(this Tensor tensor, double value) { using var s = value.ToScalar(); return tensor.neg().add_(s); }
    public static Tensor FillWhere(this Tensor tensor, Tensor mask, double value) { using var s = value.ToScalar(); return tensor.masked_fill(mask, s); }
    public static Tensor FillWhere(this Tensor tensor, Tensor mask, long value) { using var s = value.ToScalar(); return tensor.masked_fill(mask, s); }
    public static Tensor FillWhereInPlace(this Tensor tensor, Tensor mask, double value) { using var s = value.ToScalar(); return tensor.masked_fill_(mask, s); }
    public static Tensor PowBy(this Tensor tensor, double exponent) { using var s = exponent.ToScalar(); return tensor.pow(s); }
    public static Tensor ClampTo(this Tensor tensor, double min, double max)
    {
        using var low = min.ToScalar();
        using var high = max.ToScalar();
        return tensor.clamp(low, high);
    }
    public static Tensor ClampMin(this Tensor tensor, double min) { using var s = min.ToScalar(); return tensor.clamp_min(s); }
    public static Tensor ClampMin(this Tensor tensor, long min) { using var s = min.ToScalar(); return tensor.clamp_min(s); }
    public static Tensor GreaterThan(this Tensor tensor, double value) { using var s = value.ToScalar(); return tensor.gt(s); }
    public static Tensor AtLeast(this Tensor tensor, long value) { using var s = value.ToScalar(); return tensor.ge(s); }

    public static Tensor Full(long[] shape, long value, ScalarType dtype, Device device)
    {
        using var s = value.ToScalar();
        return torch.full(shape, s, dtype, device);
    }

    /// <summary>A float32 vector of <paramref name="length"/> copies of <paramref name="value"/>.</summary>
    public static Tensor FullOf(long length, float value)
    {
        using var s = value.ToScalar();
        return torch.full([length], s, ScalarType.Float32);
    }

    public static Tensor FullLike(Tensor like, long value, ScalarType dtype)
    {
        using var s = value.ToScalar();
        return torch.full_like(like, s, dtype);
    }

    public static Tensor Range(long end, ScalarType dtype, Device? device = null)
    {
        using var stop = end.ToScalar();
        return torch.arange(stop, dtype, device);
    }
}
