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

    /// <summary>
    /// The padded weights of a feed-forward with layers <paramref name="input"/> (and <paramref name="gate"/>) into the hidden
    /// units and <paramref name="output"/> out of them, or null when the width is aligned already.
    /// </summary>
    public static PaddedMlpWeights? Create(TorchSharp.Modules.Linear input, TorchSharp.Modules.Linear? gate, TorchSharp.Modules.Linear output, long hidden)
    {
        long padded = HiddenPadding.Padded(hidden);
        if (padded == hidden) return null;
        var (inputWeight, inputBias) = HiddenPadding.PadOutputs(input, padded);
        var (gateWeight, gateBias) = gate is null ? (null, null) : HiddenPadding.PadOutputs(gate, padded);
        return new PaddedMlpWeights(inputWeight, inputBias, gateWeight, gateBias, HiddenPadding.PadInputs(output, padded));
    }

    public void KeepOutOfDisposeScopes()
    {
        foreach (var tensor in new[] { Input, InputBias, Gate, GateBias, Output }) tensor?.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        Input.Dispose();
        InputBias?.Dispose();
        Gate?.Dispose();
        GateBias?.Dispose();
        Output.Dispose();
    }
}
