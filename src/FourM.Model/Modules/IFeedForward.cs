using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>A block's feed-forward network (<see cref="Mlp"/> or <see cref="GatedMlp"/>).</summary>
public interface IFeedForward
{
    /// <summary>Setting <see cref="MlpLayout.Aligned"/> (re)builds the padded weights from the current ones.</summary>
    MlpLayout Layout { get; set; }

    Tensor forward(Tensor input);
}
