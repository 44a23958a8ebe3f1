using TorchSharp;
using Xunit;

namespace FourM.Model.Tests;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        // Fails with TypeInitializationException when the GLIBCXX weak-version patch did not run on this machine.
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }
}
