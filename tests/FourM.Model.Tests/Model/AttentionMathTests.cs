using FourM.Model.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

public sealed class AttentionMathTests
{
    /// <summary>The reference's formula, written out: <c>softmax(masked_fill((q @ kᵀ) * scale)) @ v</c>.</summary>
    private static Tensor Reference(Tensor q, Tensor k, Tensor v, Tensor? mask, double scale)
    {
        var scores = q.matmul(k.transpose(-2, -1)).mul(scale);
        if (mask is not null) scores = scores.masked_fill(mask, -finfo(scores.dtype).max);
        return scores.softmax(-1).matmul(v);
    }

    [Theory]
    [InlineData(ScalarType.Float32, true)]
    [InlineData(ScalarType.Float32, false)]
    [InlineData(ScalarType.BFloat16, true)]
    public void Exact_attention_equals_the_reference_formula_bit_for_bit(ScalarType dtype, bool masked)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(17);
        // Permuted like the model's q/k/v (views of a fused projection), head dim 64 as in every 4M size: scale 1/8.
        var qkv = randn([2, 23, 3, 3, 64], generator: generator).mul(3).to(dtype).permute(2, 0, 3, 1, 4);
        Tensor q = qkv[0], k = qkv[1], v = qkv[2];
        var mask = masked ? rand([2, 1, 1, 23], generator: generator).lt(0.3) : null;

        var expected = Reference(q, k, v, mask, 0.125);
        var actual = AttentionMath.Attend(q, k, v, mask, 0.125, AttentionKernel.Exact);

        Assert.True(expected.eq(actual).all().item<bool>());
    }

    [Fact]
    public void A_scale_that_is_not_a_power_of_two_keeps_the_reference_order()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var q = randn([1, 2, 7, 48], generator: generator);
        var k = randn([1, 2, 9, 48], generator: generator);
        var v = randn([1, 2, 9, 48], generator: generator);
        double scale = Math.Pow(48, -0.5);

        Assert.True(Reference(q, k, v, null, scale).eq(AttentionMath.Attend(q, k, v, null, scale, AttentionKernel.Exact)).all().item<bool>());
    }

    [Fact]
    public void Fused_attention_kernel_switches_are_reachable_and_names_are_checked()
    {
        // Re-enabling every kernel is torch's default state, so this does not disturb tests running alongside.
        FusedAttentionBackends.Enable(["flash", "efficient", "cudnn", "math"]);
        Assert.Equal("flash,efficient,cudnn,math", FusedAttentionBackends.Describe());
        Assert.Throws<ArgumentException>(() => FusedAttentionBackends.Enable(["fast"]));
        Assert.Equal("flash,efficient,cudnn,math", FusedAttentionBackends.Describe());
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void The_additive_mask_built_once_per_pass_gives_the_boolean_masks_fused_attention_bit_for_bit(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(29);
        var qkv = randn([3, 5, 3, 2, 64], generator: generator).to(dtype).permute(2, 0, 3, 1, 4);
        Tensor q = qkv[0], k = qkv[1], v = qkv[2];
        // (B, N, M) with 5 keys (not 16-aligned), random holes and one query row with every key blocked.
        var blocked = rand([3, 5, 5], generator: generator).lt(0.4);
        blocked[1, 2] = ones(5, dtype: ScalarType.Bool);

        var additive = FusedAttentionMask.Create(blocked, dtype);
        var expected = AttentionMath.Attend(q, k, v, blocked.unsqueeze(1), 0.125, AttentionKernel.Fused);
        var actual = AttentionMath.Attend(q, k, v, additive.unsqueeze(1), 0.125, AttentionKernel.Fused);

        Assert.Equal(dtype, additive.dtype);
        Assert.Equal(16, additive.stride(1));
        Assert.True(additive.isinf().eq(blocked.logical_and(blocked.all(-1, keepdim: true).logical_not())).all().item<bool>());
        Assert.False(actual.isnan().any().item<bool>());
        Assert.True(expected.eq(actual).all().item<bool>());
    }

    [Fact]
    public void Masks_stay_boolean_for_the_exact_kernel_and_absent_masks_stay_absent()
    {
        using var scope = NewDisposeScope();
        var blocked = zeros([2, 1, 7], dtype: ScalarType.Bool);
        Assert.Same(blocked, FusedAttentionMask.ForKernel(blocked, AttentionKernel.Exact, ScalarType.Float32));
        Assert.Null(FusedAttentionMask.ForKernel(null, AttentionKernel.Fused, ScalarType.Float32));
        Assert.Equal(ScalarType.Float32, FusedAttentionMask.ForKernel(blocked, AttentionKernel.Fused, ScalarType.Float32)!.dtype);
    }
}
