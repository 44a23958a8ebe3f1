using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// The zero-padded weights of an <see cref="MlpLayout.Aligned"/> feed-forward: the layers into the hidden units (the gate
/// second, absent for a plain MLP) and the layer out of them.
/// </summary>
internal sealed class PaddedMlpWeights(Tensor input, Tensor? inputBias, Tensor? gate, Tensor? gateBias, Tensor output) : IDisposable
{
    public Tensor Input { get; } = input;
    public Tensor? InputBias { get; } = inputBias;
    public Tensor? Gate { get; } = gate;
    public Tensor? GateBias { get; } = gateBias;
    public Tensor Output { get; } = output;

    public void Dispose()
    {
        Input.Dispose();
        InputBias?.Dispose();
        Gate?.Dispose();
        GateBias?.Dispose();
        Output.Dispose();
    }
}
