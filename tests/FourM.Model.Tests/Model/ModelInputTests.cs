using FourM.Model.Configuration;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

/// <summary>Bad tensors handed to the model fail with an exception naming the modality and the expectation.</summary>
public sealed class ModelInputTests : IDisposable
{
    private readonly FourMModel _model = FourMModel.CreateRandom(
        FourMPresets.Create(FourMSize.Tiny, FourMVariant.SwiGluNoBias, ["rgb@224", "tok_depth@224", "caption"], ["tok_depth@224", "caption"])
            with { Dim = 16, NumHeads = 2, EncoderDepth = 1, DecoderDepth = 1 },
        11, ScalarType.Float32, CPU);

    public void Dispose() => _model.Dispose();

    [Fact]
    public void OutOfVocabularyIdsAreRejected()
    {
        using var ids = full(new long[] { 1, 196 }, 8192L);
        using var mask = zeros(new long[] { 1, 196 }, ScalarType.Bool);
        var ex = Assert.Throws<ArgumentException>(() => _model.EmbedEncoderInput("tok_depth@224", ids, mask));
        Assert.Contains("'tok_depth@224'", ex.Message);
        Assert.Contains("[0, 8192)", ex.Message);
        using var negative = full(new long[] { 1, 4 }, -1, ScalarType.Int32);
        using var captionMask = zeros(new long[] { 1, 4 }, ScalarType.Bool);
        Assert.Contains("'caption'", Assert.Throws<ArgumentException>(() => _model.EmbedDecoderTarget("caption", negative, captionMask)).Message);
    }

    [Fact]
    public void WrongPixelShapeIsRejected()
    {
        using var pixels = zeros(1, 3, 200, 224);
        using var mask = zeros(new long[] { 1, 196 }, ScalarType.Bool);
        var ex = Assert.Throws<ArgumentException>(() => _model.EmbedEncoderInput("rgb@224", pixels, mask));
        Assert.Contains("expected [B, 3, 224, 224]", ex.Message);
    }

    [Fact]
    public void TooLongSequencesAndMismatchedMasksAreRejected()
    {
        using var ids = ones(new long[] { 1, 600 }, ScalarType.Int64);
        using var mask = zeros(new long[] { 1, 600 }, ScalarType.Bool);
        Assert.Contains("exceed the 512 positions", Assert.Throws<ArgumentException>(() => _model.EmbedEncoderInput("caption", ids, mask)).Message);
        using var shortMask = zeros(new long[] { 1, 5 }, ScalarType.Bool);
        Assert.Contains("input_mask has shape [1, 5], expected [1, 600]",
            Assert.Throws<ArgumentException>(() => _model.EmbedEncoderInput("caption", ids, shortMask)).Message);
    }

    [Fact]
    public void ModalitiesOutsideTheConfigAreNamed()
    {
        using var ids = zeros(new long[] { 1, 196 }, ScalarType.Int64);
        using var mask = zeros(new long[] { 1, 196 }, ScalarType.Bool);
        var ex = Assert.Throws<KeyNotFoundException>(() => _model.EmbedEncoderInput("tok_rgb@224", ids, mask));
        Assert.Contains("'tok_rgb@224' is not an encoder input", ex.Message);
    }

    [Fact]
    public void SequencePositionsSkipMaskedSlotsAndDecoderIdsWrapAtMaxLength()
    {
        // Valid slots 0, 2, 3 get positions 0, 1, 2; the masked slot gets a zero position embedding.
        using var ids = tensor(new long[] { 5, 7, 9, 11 }).unsqueeze(0);
        using var mask = tensor(new[] { false, true, false, false }).unsqueeze(0);
        var embedding = _model.EncoderEmbeddingFor("caption");
        var output = _model.EmbedEncoderInput("caption", ids, mask);
        using var table = embedding.PositionEmbedding[0];
        using var modality = embedding.ModalityEmbedding[0, 0];
        Assert.True((output.Emb[0, 2] - (table[1] + modality)).abs().max().item<float>() < 1e-6f);
        Assert.True((output.Emb[0, 1] - modality).abs().max().item<float>() < 1e-6f);
        // Decoder: target position 256 (= max_length) maps to position 0.
        using var longIds = ones(new long[] { 1, 258 }, ScalarType.Int64);
        using var targetMask = zeros(new long[] { 1, 258 }, ScalarType.Bool);
        var target = _model.EmbedDecoderTarget("caption", longIds, targetMask);
        Assert.True((target.Emb[0, 256] - target.Emb[0, 0]).abs().max().item<float>() < 1e-6f);
        Assert.True((target.Emb[0, 255] - target.Emb[0, 0]).abs().max().item<float>() > 1e-3f);
    }
}
