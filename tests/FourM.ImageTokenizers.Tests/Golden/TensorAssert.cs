using Xunit;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Tests.Golden;

internal static class TensorAssert
{
    public static void Equal(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var e = expected.to(ScalarType.Int64).cpu();
        using var a = actual.to(ScalarType.Int64).cpu();
        Assert.Equal(e.data<long>().ToArray(), a.data<long>().ToArray());
    }

    public static void Close(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var difference = (expected.to(ScalarType.Float64).cpu() - actual.to(ScalarType.Float64).cpu()).abs().max();
        var max = difference.item<double>();
        Assert.True(max <= tolerance, $"max abs difference {max:G4} exceeds {tolerance:G2}");
    }
}
