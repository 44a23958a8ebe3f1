using FourM.Generation.Modalities;
using FourM.Generation.Network;
using Xunit;

namespace FourM.Generation.Tests.Network;

public sealed class ModelCatalogTests
{
    [Theory]
    [InlineData("rgb@224")]
    [InlineData("tok_rgb@224")]
    [InlineData("tok_semseg@224")]
    [InlineData("caption")]
    [InlineData("det")]
    public void The_models_catalog_agrees_with_the_built_in_one(string name)
    {
        var fromModel = FourMModelNetwork.CatalogOf(TinyModel.Instance)[name];
        Assert.Equal(ModalityCatalog.Default[name], fromModel);
    }
}
