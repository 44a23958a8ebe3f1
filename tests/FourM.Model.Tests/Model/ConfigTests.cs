using FourM.Model.Checkpoints;
using FourM.Model.Configuration;
using FourM.Model.Modalities;
using FourM.Model.Tests.Checkpoints;
using FourM.TestSupport;
using Xunit;

namespace FourM.Model.Tests.Model;

public sealed class ConfigTests
{
    [GoldenFact]
    public void ConfigJsonAndHeaderMetadataAgree()
    {
        var registry = ModalityRegistry.CreateDefault();
        var fromJson = FourMConfigReader.FromJsonFile(Goldens.File("config.json"), registry);
        using var file = SafetensorsFile.Open(Goldens.File("model.safetensors"));
        var fromMetadata = FourMConfigReader.FromMetadata(file.Metadata, file.Path, registry);
        Assert.Equal(["rgb@224", "tok_depth@224", "tok_semseg@224", "caption"], fromMetadata.DomainsIn);
        Assert.Equal(fromJson.DomainsIn, fromMetadata.DomainsIn);
        Assert.Equal(fromJson.DomainsOut, fromMetadata.DomainsOut);
        Assert.Equal(fromJson with { DomainsIn = [], DomainsOut = [] }, fromMetadata with { DomainsIn = [], DomainsOut = [] });
        Assert.Equal(32, fromJson.Dim);
        Assert.Equal(85, fromJson.MlpHiddenDim);
        Assert.False(fromJson.NormBias);
        Assert.Equal("SiLU", fromJson.ActLayer);
    }

    [Fact]
    public void MetadataRoundTripsThroughPythonLiterals()
    {
        var config = FourMPresets.Create(FourMSize.Large, FourMVariant.SwiGluQkNormNoBias);
        var metadata = FourMConfigReader.ToMetadata(config);
        Assert.Equal("['rgb@224', 'tok_rgb@224', 'tok_depth@224', 'tok_semseg@224', 'tok_normal@224', 'tok_clip@224', 'caption', 'det']", metadata["domains_in"]);
        var back = FourMConfigReader.FromMetadata(metadata, "memory", ModalityRegistry.CreateDefault());
        Assert.Equal(config with { DomainsIn = [], DomainsOut = [] }, back with { DomainsIn = [], DomainsOut = [] });
        Assert.Equal(config.DomainsIn, back.DomainsIn);
        Assert.Equal(2730, back.MlpHiddenDim);
    }

    [Fact]
    public void UnknownModalityInConfigNamesFileKeyAndModality()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, """{"domains_in": ["rgb@224", "tok_thermal@224"], "domains_out": [], "dim": 32, "num_heads": 2}""");
        var ex = Assert.Throws<FormatException>(() => FourMConfigReader.FromJsonFile(path, ModalityRegistry.CreateDefault()));
        Assert.Contains(path, ex.Message);
        Assert.Contains("'domains_in'", ex.Message);
        Assert.Contains("'tok_thermal@224'", ex.Message);
    }

    [Fact]
    public void WronglyTypedConfigValuesAreNamed()
    {
        var metadata = new Dictionary<string, string> { ["domains_in"] = "['caption']", ["dim"] = "'wide'" };
        var ex = Assert.Throws<FormatException>(() => FourMConfigReader.FromMetadata(metadata, "m.safetensors", ModalityRegistry.CreateDefault()));
        Assert.Contains("'dim' must be an integer", ex.Message);
        var heads = new Dictionary<string, string> { ["domains_in"] = "['caption']", ["dim"] = "30", ["num_heads"] = "4" };
        Assert.Contains("num_heads", Assert.Throws<FormatException>(() => FourMConfigReader.FromMetadata(heads, "m", ModalityRegistry.CreateDefault())).Message);
    }

    [Fact]
    public void UserModalitiesInConfigJsonBuildAModel()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("config.json");
        File.WriteAllText(path, """
            {"modalities": [{"name": "tok_heat@224", "type": "img", "vocab_size": 64}],
             "domains_in": ["tok_heat@224", "caption"], "domains_out": ["tok_heat@224"], "dim": 16, "num_heads": 2,
             "encoder_depth": 1, "decoder_depth": 1, "gated_mlp": true, "act_layer": "SiLU", "norm_bias": false,
             "qkv_bias": false, "proj_bias": false, "mlp_bias": false}
            """);
        var registry = ModalityRegistry.CreateDefault();
        var config = FourMConfigReader.FromJsonFile(path, registry);
        using var model = FourMModel.CreateRandom(config, 1, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU, registry);
        Assert.Contains("decoder_embeddings.tok_heat@224.to_logits.weight", model.StateDictionary().Keys);
        Assert.Equal([1, 196, 16], model.DecoderEmbeddingFor("tok_heat@224").PositionEmbedding.shape);
    }
}
