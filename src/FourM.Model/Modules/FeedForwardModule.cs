using FourM.Model.Runtime;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>What <see cref="Mlp"/> and <see cref="GatedMlp"/> share: the <see cref="MlpLayout"/> switch and its padded weights.</summary>
public abstract class FeedForwardModule(string name) : nn.Module<Tensor, Tensor>(name)
{
    private MlpLayout _layout = MlpLayout.Reference;

    /// <summary>The aligned layout's weights; null for the reference layout or a width that is aligned already.</summary>
    private protected PaddedMlpWeights? Padded { get; private set; }

    /// <summary>Setting <see cref="MlpLayout.Aligned"/> (re)builds the padded weights from the current ones.</summary>
    public MlpLayout Layout
    {
        get => _layout;
        set
        {
            Padded?.Dispose();
            Padded = null;
            _layout = value;
            if (value != MlpLayout.Aligned) return;
            Padded = CreatePadded();
            // The padded weights and the re-made fc1/fc3 parameters (views of them) belong to the module, not to a scope the
            // caller has open.
            Padded?.KeepOutOfDisposeScopes();
            ModuleOwnership.KeepOutOfDisposeScopes(this);
        }
    }

    private protected abstract PaddedMlpWeights? CreatePadded();

    protected override void Dispose(bool disposing)
    {
        if (disposing) Padded?.Dispose();
        base.Dispose(disposing);
    }
}
