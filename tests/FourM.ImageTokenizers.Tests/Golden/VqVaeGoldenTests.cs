using FourM.Model.Checkpoints;
using FourM.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Tests.Golden;

public sealed class VqVaeGoldenTests
{
    [GoldenFact]
    public void Loads_as_vqvae_with_config_from_metadata()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.VqVae);
        Assert.Equal(TokenizerKind.VqVae, tokenizer.Kind);
        Assert.True(tokenizer.TakesClassMap);
        Assert.Equal(48, tokenizer.ImageSize);
        Assert.Equal(64, tokenizer.VocabularySize);
        Assert.Equal(16, tokenizer.OutputChannels);
        Assert.Empty(tokenizer.Report.Missing);
        // Training-only buffers are in the file but unused at inference.
        Assert.Contains("quantize._codebook.cluster_size", tokenizer.Report.Unused);
    }

    [GoldenFact]
    public void Tokens_match_exactly()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.VqVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.VqVaeIo);
        using var tokens = tokenizer.Tokenize(io.ReadTensor("input"));
        TensorAssert.Equal(io.ReadTensor("tokens"), tokens);
    }

    [GoldenFact]
    public void Latents_match_within_tolerance()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.VqVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.VqVaeIo);
        using var scope = NewDisposeScope();
        TensorAssert.Close(io.ReadTensor("encoder_output"), tokenizer.EncoderFeatures(io.ReadTensor("input")), 1e-4);
        TensorAssert.Close(io.ReadTensor("quant_proj_output"), tokenizer.EncodeLatent(io.ReadTensor("input")), 1e-4);
        TensorAssert.Close(io.ReadTensor("quant"), tokenizer.TokensToLatent(io.ReadTensor("tokens")), 1e-6);
    }

    [GoldenFact]
    public void Reconstruction_from_tokens_matches_within_1e4()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.VqVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.VqVaeIo);
        using var scope = NewDisposeScope();
        var decoded = tokenizer.Detokenize(io.ReadTensor("tokens"));
        TensorAssert.Close(io.ReadTensor("decoded_from_tokens"), decoded, 1e-4);
        TensorAssert.Equal(io.ReadTensor("decoded_argmax"), decoded.argmax(1));
    }

    [GoldenFact]
    public void Out_of_range_tokens_are_refused()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.VqVae);
        using var tokens = full(new long[] { 1, 3, 3 }, 64L, ScalarType.Int64);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.Detokenize(tokens));
        Assert.Contains("[0, 64)", error.Message);
    }
}
