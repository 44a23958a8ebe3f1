using FourM.Model.Assembly;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

/// <summary>Token assembly and mask expansion on hand-worked examples.</summary>
public sealed class TokenAssemblyTests
{
    [Fact]
    public void CompressedDecoderMaskExpandsLikeTheReferenceDocstring()
    {
        // [2, 0, 1, 1] → cumsum [2, 2, 3, 4]: tokens 0 and 1 see each other, token 2 sees 0-2, token 3 sees all.
        using var compressed = tensor(new long[] { 2, 0, 1, 1 }).unsqueeze(0);
        using var modMask = zeros(new long[] { 1, 4 }, ScalarType.Int16);
        using var mask = DecoderAttentionMask.Expand(compressed, modMask, causal: false, separateModalities: true);
        bool[] expected =
        [
            false, false, true, true,
            false, false, true, true,
            false, false, false, true,
            false, false, false, false,
        ];
        Assert.Equal(expected, mask.flatten().data<bool>().ToArray());
    }

    [Fact]
    public void SeparationBlocksAttentionAcrossModalities()
    {
        using var compressed = tensor(new long[] { 4, 0, 0, 0 }).unsqueeze(0);
        using var modMask = tensor(new short[] { 7, 7, 9, 9 }).unsqueeze(0);
        using var mask = DecoderAttentionMask.Expand(compressed, modMask, causal: false, separateModalities: true);
        Assert.Equal([false, false, true, true, false, false, true, true, true, true, false, false, true, true, false, false],
            mask.flatten().data<bool>().ToArray());
        using var causal = DecoderAttentionMask.Expand(compressed, modMask, causal: true, separateModalities: false);
        Assert.Equal([false, true, true, true, false, false, true, true, false, false, false, true, false, false, false, false],
            causal.flatten().data<bool>().ToArray());
    }

    [Fact]
    public void EncoderKeepsValidTokensFirstInOrderAndZeroesPadding()
    {
        // Two modalities of 3 tokens; sample 0 uses a1, b0, b2; sample 1 uses only a0. Keep 4.
        using var scope = NewDisposeScope();
        var xa = arange(1, 7, ScalarType.Float32).reshape(2, 3, 1);        // values 1..6
        var xb = arange(11, 17, ScalarType.Float32).reshape(2, 3, 1);      // values 11..16
        var maskA = tensor(new[] { true, false, true, false, true, true }).reshape(2, 3);
        var maskB = tensor(new[] { false, true, false, true, true, true }).reshape(2, 3);
        var tokens = TokenAssembler.AssembleEncoder(
        [
            new EncoderPart("a", 1, xa, xa * 0 + 100, maskA),
            new EncoderPart("b", 2, xb, xb * 0 + 200, maskB),
        ], keep: 4);
        Assert.Equal([2f, 11f, 13f, 0f, 4f, 0f, 0f, 0f], tokens.Tokens.flatten().data<float>().ToArray());
        Assert.Equal([100f, 200f, 200f, 0f, 100f, 0f, 0f, 0f], tokens.Emb.flatten().data<float>().ToArray());
        Assert.Equal(new short[] { 1, 2, 2, -1, 1, -1, -1, -1 }, tokens.ModMask.flatten().data<short>().ToArray());
        Assert.Equal([2, 1, 4], tokens.Mask.shape);
        Assert.Equal([false, false, false, true, false, true, true, true], tokens.Mask.flatten().data<bool>().ToArray());
    }

    [Fact]
    public void SequenceTargetsAreShiftedForTeacherForcing()
    {
        // One caption of 4 slots, all targets: inputs are slots 0..2, targets slots 1..3.
        using var scope = NewDisposeScope();
        var x = arange(1, 5, ScalarType.Float32).reshape(1, 4, 1);
        var ids = tensor(new long[] { 5, 40, 41, 6 }).unsqueeze(0);
        var targetMask = zeros(new long[] { 1, 4 }, ScalarType.Bool);
        var attention = ones(new long[] { 1, 4 }, ScalarType.Int32);
        var tokens = TokenAssembler.AssembleDecoder([new DecoderPart("caption", 3, true, x, x * 0, ids, targetMask, attention)], keep: null,
            causal: false, separateModalities: true);
        Assert.Equal([1f, 2f, 3f], tokens.Tokens.flatten().data<float>().ToArray());
        Assert.Equal([40L, 41L, 6L], tokens.TargetIds.flatten().data<long>().ToArray());
        Assert.Equal([false, true, true, false, false, true, false, false, false], tokens.AttentionMask.flatten().data<bool>().ToArray());
    }
}
