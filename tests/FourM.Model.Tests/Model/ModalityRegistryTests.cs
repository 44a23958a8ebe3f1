using System.Text.Json;
using FourM.Model.Modalities;
using Xunit;

namespace FourM.Model.Tests.Model;

public sealed class ModalityRegistryTests
{
    /// <summary>Ids from the reference spec's tables (§3), computed there with Python's sha256.</summary>
    [Theory]
    [InlineData("rgb@224", 20716)]
    [InlineData("tok_rgb@224", 11606)]
    [InlineData("tok_depth@224", 20063)]
    [InlineData("tok_normal@224", 16656)]
    [InlineData("tok_semseg@224", 12515)]
    [InlineData("tok_clip@224", 11422)]
    [InlineData("caption", 32652)]
    [InlineData("det", 30982)]
    [InlineData("t5_caption", 28551)]
    [InlineData("metadata", 1951)]
    [InlineData("human_poses", 30584)]
    [InlineData("color_palette", 12967)]
    [InlineData("sam_instance", 1938)]
    [InlineData("tok_canny_edge@224", 12520)]
    [InlineData("tok_sam_edge@224", 7842)]
    [InlineData("tok_dinov2@224", 26275)]
    [InlineData("tok_imagebind@224", 6200)]
    [InlineData("tok_dinov2_global", 29172)]
    [InlineData("tok_imagebind_global", 12099)]
    [InlineData("rgb@448", 27924)]
    [InlineData("tok_rgb@448", 1057)]
    [InlineData("tok_depth@448", 11499)]
    [InlineData("tok_normal@448", 32321)]
    [InlineData("tok_semseg@448", 10291)]
    [InlineData("tok_clip@448", 3585)]
    public void BuiltInIdsEqualTheReferenceHash(string name, short id)
    {
        Assert.Equal(id, ModalityId.Compute(name));
        Assert.Equal(id, ModalityRegistry.CreateDefault().Get(name).Id);
    }

    [Theory]
    [InlineData("rgb@224", 196)]
    [InlineData("tok_dinov2@224", 256)]
    [InlineData("tok_dinov2_global", 16)]
    [InlineData("tok_rgb@448", 784)]
    [InlineData("human_poses", 275)]
    [InlineData("t5_caption", 77)]
    public void TokenCountsFollowTheReferenceRules(string name, int tokens) =>
        Assert.Equal(tokens, ModalityRegistry.CreateDefault().Get(name).TokenCount(224, 16));

    [Fact]
    public void EveryReleasedModalitySetIsRegistered()
    {
        var registry = ModalityRegistry.CreateDefault();
        foreach (var name in ModalitySets.FourM21Inputs.Concat(ModalitySets.FourM21Outputs).Concat(ModalitySets.SuperResolutionInputs))
            Assert.True(registry.Contains(name), name);
        Assert.Equal(25, registry.All.Count());
    }

    [Fact]
    public void UserModalitiesRegisterFromJson()
    {
        var registry = ModalityRegistry.CreateDefault();
        using var doc = JsonDocument.Parse("""
            [{"name": "tok_heat@224", "type": "img", "vocab_size": 512, "patch_size": 16, "image_size": 224},
             {"name": "tags", "type": "seq", "vocab_size": 30000, "max_length": 32}]
            """);
        registry.RegisterFromJson(doc.RootElement, "test.json");
        var heat = registry.Get("tok_heat@224");
        Assert.Equal(EncoderEmbeddingKind.ImageTokens, heat.EncoderEmbedding);
        Assert.Equal(DecoderEmbeddingKind.ImageTokens, heat.DecoderEmbedding);
        Assert.Equal(196, heat.TokenCount(224, 16));
        Assert.Equal(ModalityId.Compute("tags"), registry.Get("tags").Id);
    }

    [Fact]
    public void IncompleteUserModalitiesAreRejectedWithTheirSource()
    {
        var registry = ModalityRegistry.CreateDefault();
        using var doc = JsonDocument.Parse("""[{"name": "tags", "type": "seq", "vocab_size": 30000}]""");
        var ex = Assert.Throws<FormatException>(() => registry.RegisterFromJson(doc.RootElement, "test.json"));
        Assert.Contains("test.json", ex.Message);
        Assert.Contains("max_length", ex.Message);
        Assert.Contains("'nope'", Assert.Throws<KeyNotFoundException>(() => registry.Get("nope")).Message);
    }
}
