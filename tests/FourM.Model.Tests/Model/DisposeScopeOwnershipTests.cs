using FourM.Model.Configuration;
using FourM.Model.Modules;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Model.Tests.Model;

/// <summary>
/// A model owns its tensors: building it, or switching its MLP layout, while a caller's dispose scope is open must not hand
/// any of them to that scope (which would dispose them when it ends and leave the model with invalid handles).
/// </summary>
public sealed class DisposeScopeOwnershipTests
{
    private static readonly FourMConfig Tiny = TinyConfigs.DepthTokensAndCaption;

    private static float Checksum(FourMModel model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = ones(1, 5, 32);
        var mask = zeros([1, 1, 5], dtype: ScalarType.Bool);
        var context = model.ProjectContext(model.Encode(x, mask), x);
        return model.Decode(ones(1, 3, 32), context, null, mask).sum().item<float>()
               + model.EncoderEmbeddingFor("caption").PositionEmbedding.sum().item<float>();
    }

    [Fact]
    public void A_model_built_inside_a_dispose_scope_outlives_it()
    {
        FourMModel model;
        using (NewDisposeScope()) model = FourMModel.CreateRandom(Tiny, 3, ScalarType.Float32, CPU);
        using (model)
        {
            Assert.True(float.IsFinite(Checksum(model)));
            Assert.DoesNotContain(model.parameters(), p => p.IsInvalid);
        }
    }

    [Fact]
    public void Switching_the_mlp_layout_inside_a_dispose_scope_keeps_the_padded_weights()
    {
        using var model = FourMModel.CreateRandom(Tiny, 4, ScalarType.Float32, CPU);
        var reference = Checksum(model);
        using (NewDisposeScope()) model.MlpLayout = MlpLayout.Aligned;
        Assert.Equal(reference, Checksum(model), 3);
    }
}
