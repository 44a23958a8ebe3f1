using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>Plain feed-forward: <c>fc2(act(fc1 x))</c> (the <c>_gelu</c> presets).</summary>
public sealed class Mlp : FeedForwardModule
{
#pragma warning disable IDE1006
    private readonly Linear fc1;
    private readonly Linear fc2;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;
    private readonly long _hidden;

    public Mlp(long dim, long hidden, bool bias, Func<Tensor, Tensor> activation, Device device, ScalarType dtype) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(dim, hidden, bias, device, dtype);
        fc2 = nn.Linear(hidden, dim, bias, device, dtype);
        _activation = activation;
        _hidden = hidden;
        RegisterComponents();
    }

    private protected override PaddedMlpWeights? CreatePadded() => PaddedMlpWeights.Create(fc1, null, fc2, _hidden);

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        if (Padded is { } p)
            return nn.functional.linear(_activation(nn.functional.linear(input, p.Input, p.InputBias)), p.Output, fc2.bias).MoveToOuterDisposeScope();
        return fc2.forward(_activation(fc1.forward(input))).MoveToOuterDisposeScope();
    }
}
