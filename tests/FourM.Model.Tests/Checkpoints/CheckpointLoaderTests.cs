using FourM.Model.Checkpoints;
using FourM.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Checkpoints;

/// <summary>The tolerant loader on variants of the golden checkpoint built with our writer.</summary>
public sealed class CheckpointLoaderTests : IDisposable
{
    private static readonly string[] SharedModalities = ["tok_depth@224", "tok_semseg@224", "caption"];
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void AssertSameWeights(FourMModel expected, FourMModel actual)
    {
        var a = expected.StateDictionary();
        var b = actual.StateDictionary();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (key, tensor) in a)
            Assert.True(tensor.eq(b[key]).all().item<bool>(), key);
    }

    [GoldenFact]
    public void HubMixinFormLoadsToTheSameWeights()
    {
        // save_pretrained drops one name of each shared tensor and records "dropped": "kept" in the metadata (README.json hub_mixin).
        var hub = Path.Combine(_dir.Path, "hub");
        Directory.CreateDirectory(hub);
        var aliases = SharedModalities.ToDictionary(m => $"encoder_embeddings.{m}.mod_emb", m => $"decoder_embeddings.{m}.mod_emb");
        CheckpointRewriter.Rewrite(Goldens.File("model.safetensors"), Path.Combine(hub, "model.safetensors"), name => !aliases.ContainsKey(name), aliases);
        File.Copy(Goldens.File("config.json"), Path.Combine(hub, "config.json"));

        using var reference = FourMModel.Load(Goldens.File("model.safetensors"), ScalarType.Float32, CPU);
        var loaded = FourMCheckpointLoader.Load(hub, ScalarType.Float32, CPU);
        using var model = loaded.Model;
        AssertSameWeights(reference, model);
        Assert.EndsWith("config.json", loaded.ConfigSource);
        foreach (var (dropped, kept) in aliases)
        {
            Assert.Equal(kept, loaded.Report.LoadedFromAlias[dropped]);
            Assert.Equal(model.StateDictionary()[dropped].Handle, model.StateDictionary()[kept].Handle);
        }
    }

    [GoldenFact]
    public void ReleasedFormSharesOneModalityEmbeddingTensor()
    {
        using var model = FourMModel.Load(Goldens.File("model.safetensors"), ScalarType.Float32, CPU);
        var state = model.StateDictionary();
        foreach (var m in SharedModalities)
            Assert.Equal(state[$"encoder_embeddings.{m}.mod_emb"].Handle, state[$"decoder_embeddings.{m}.mod_emb"].Handle);
        Assert.Equal(81, state.Count);
    }

    [GoldenFact]
    public void ZeroBiasesSinCosTablesAndOutputHeadsMayBeAbsent()
    {
        var path = _dir.File("slim.safetensors");
        using var reference = FourMModel.Load(Goldens.File("model.safetensors"), ScalarType.Float32, CPU);
        var parameters = reference.ParameterNames();
        bool Dropped(string name) =>
            (!parameters.Contains(name) && (name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith(".pos_emb", StringComparison.Ordinal)))
            || name.EndsWith(".to_logits.weight", StringComparison.Ordinal);
        CheckpointRewriter.Rewrite(Goldens.File("model.safetensors"), path, name => !Dropped(name), metadata: null);

        var loaded = FourMCheckpointLoader.Load(path, ScalarType.Float32, CPU);
        using var model = loaded.Model;
        Assert.Contains("encoder.0.norm1.bias", loaded.Report.KeptZeroBias);
        Assert.Contains("encoder_embeddings.rgb@224.pos_emb", loaded.Report.RecomputedPositions);
        Assert.Equal("decoder_embeddings.caption.token_emb.weight", loaded.Report.LoadedFromAlias["decoder_embeddings.caption.to_logits.weight"]);
        var state = model.StateDictionary();
        Assert.Equal(0, state["encoder.0.norm1.bias"].abs().sum().item<float>());
        Assert.True(state["decoder_embeddings.caption.to_logits.weight"].eq(state["decoder_embeddings.caption.token_emb.weight"]).all().item<bool>());
        // Recomputed tables agree with the stored bf16-rounded ones to bf16 precision.
        var stored = reference.StateDictionary()["encoder_embeddings.rgb@224.pos_emb"];
        Assert.True((state["encoder_embeddings.rgb@224.pos_emb"] - stored).abs().max().item<float>() <= 4e-3f);
    }

    [GoldenFact]
    public void MissingKeyIsNamed()
    {
        var path = _dir.File("missing.safetensors");
        CheckpointRewriter.Rewrite(Goldens.File("model.safetensors"), path, name => name != "encoder.1.attn.qkv.weight", metadata: null);
        var ex = Assert.Throws<SafetensorsFormatException>(() => FourMModel.Load(path, ScalarType.Float32, CPU).Dispose());
        Assert.Contains(path, ex.Message);
        Assert.Contains("missing keys: encoder.1.attn.qkv.weight", ex.Message);
    }

    [GoldenFact]
    public void UnknownKeyIsNamedUnlessAllowed()
    {
        var path = _dir.File("extra.safetensors");
        using var extra = ones(4);
        CheckpointRewriter.Rewrite(Goldens.File("model.safetensors"), path, _ => true, metadata: null,
            writer => writer.Add("encoder.0.attn.rotary.inv_freq", extra));
        var ex = Assert.Throws<SafetensorsFormatException>(() => FourMModel.Load(path, ScalarType.Float32, CPU).Dispose());
        Assert.Contains("unknown keys: encoder.0.attn.rotary.inv_freq", ex.Message);
        var loaded = FourMCheckpointLoader.Load(path, ScalarType.Float32, CPU, allowUnexpected: true);
        loaded.Model.Dispose();
        Assert.Equal(["encoder.0.attn.rotary.inv_freq"], loaded.Report.Unexpected);
    }

    [GoldenFact]
    public void ShapeMismatchNamesFileKeyAndExpectation()
    {
        var path = _dir.File("shape.safetensors");
        using var wrong = zeros(new long[] { 32, 16 }, ScalarType.BFloat16);
        CheckpointRewriter.Rewrite(Goldens.File("model.safetensors"), path, name => name != "decoder_proj_context.weight", metadata: null,
            writer => writer.Add("decoder_proj_context.weight", wrong));
        var ex = Assert.Throws<SafetensorsFormatException>(() => FourMModel.Load(path, ScalarType.Float32, CPU).Dispose());
        Assert.Contains(path, ex.Message);
        Assert.Contains("tensor 'decoder_proj_context.weight' (for 'decoder_proj_context.weight') has shape [32, 16], the model expects [32, 32]", ex.Message);
    }

    [GoldenFact]
    public void UnknownModalityInHeaderConfigIsNamed()
    {
        var path = _dir.File("unknown-modality.safetensors");
        using var source = SafetensorsFile.Open(Goldens.File("model.safetensors"));
        var metadata = source.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
        metadata["domains_in"] = "['rgb@224', 'tok_depth@224', 'tok_semseg@224', 'caption', 'tok_thermal@224']";
        CheckpointRewriter.Rewrite(Goldens.File("model.safetensors"), path, _ => true, metadata);
        var ex = Assert.Throws<FormatException>(() => FourMModel.Load(path, ScalarType.Float32, CPU).Dispose());
        Assert.Contains(path, ex.Message);
        Assert.Contains("unknown modality 'tok_thermal@224'", ex.Message);
    }

    [GoldenFact]
    public void TruncatedCheckpointFailsCleanly()
    {
        var path = _dir.File("truncated.safetensors");
        var bytes = File.ReadAllBytes(Goldens.File("model.safetensors"));
        File.WriteAllBytes(path, bytes[..^1000]);
        var ex = Assert.Throws<SafetensorsFormatException>(() => FourMModel.Load(path, ScalarType.Float32, CPU).Dispose());
        Assert.Contains(path, ex.Message);
        Assert.Contains("beyond the", ex.Message);
    }

    [GoldenFact]
    public void CorruptHeaderLengthFailsCleanly()
    {
        var path = _dir.File("corrupt.safetensors");
        var bytes = File.ReadAllBytes(Goldens.File("model.safetensors"));
        bytes[7] = 0x7F; // header length now far larger than the file
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<SafetensorsFormatException>(() => FourMModel.Load(path, ScalarType.Float32, CPU).Dispose());
        Assert.Contains("header length", ex.Message);
    }

    [GoldenFact]
    public void Bf16LoadRunsTheForwardCloseToFloat32()
    {
        using var model32 = FourMModel.Load(Goldens.File("model.safetensors"), ScalarType.Float32, CPU);
        using var model16 = FourMModel.Load(Goldens.File("model.safetensors"), ScalarType.BFloat16, CPU);
        Assert.Equal(ScalarType.BFloat16, model16.StateDictionary()["encoder.0.attn.qkv.weight"].dtype);
        using var inputs = SafetensorsFile.Open(Goldens.File("inputs.safetensors"));
        var batch = SampleDictionaryReader.Read(inputs, model32.Config.DomainsIn);
        using var inference = inference_mode();
        using var a = model32.ForwardTraining(batch, 64, 40);
        using var b = model16.ForwardTraining(batch, 64, 40);
        Assert.Equal(ScalarType.BFloat16, b.EncoderOutput.dtype);
        Assert.False(b.EncoderOutput.isnan().any().item<bool>());
        Assert.InRange(Math.Abs(a.Loss.item<float>() - b.Loss.to_type(ScalarType.Float32).item<float>()), 0, 0.1);
    }
}
