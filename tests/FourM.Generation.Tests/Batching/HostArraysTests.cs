using System.Runtime.InteropServices;
using FourM.Generation.Batching;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Batching;

public sealed class HostArraysTests
{
    [Fact]
    public void A_cpu_tensor_span_reads_and_writes_the_tensor_itself()
    {
        using var scope = NewDisposeScope();
        var tensor = torch.zeros(2, 3);
        var span = HostArrays.Span<float>(tensor);
        span[4] = 7f;
        Assert.Equal(7f, tensor[1, 1].item<float>());
        tensor[0, 2] = torch.tensor(5f);
        Assert.Equal(5f, HostArrays.Span<float>(tensor)[2]);
    }
}
