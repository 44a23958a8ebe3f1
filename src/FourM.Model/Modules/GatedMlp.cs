using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>SwiGLU-style feed-forward: <c>fc2(act(fc1 x) * fc3 x)</c>.</summary>
public sealed class GatedMlp : FeedForwardModule
{
#pragma warning disable IDE1006
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;
    private readonly long _hidden;

    public GatedMlp(long dim, long hidden, bool bias, Func<Tensor, Tensor> activation, Device device, ScalarType dtype) : base(nameof(GatedMlp))
    {
        fc1 = nn.Linear(dim, hidden, bias, device, dtype);
        fc2 = nn.Linear(hidden, dim, bias, device, dtype);
        fc3 = nn.Linear(dim, hidden, bias, device, dtype);
        _activation = activation;
        _hidden = hidden;
        RegisterComponents();
    }

    private protected override PaddedMlpWeights? CreatePadded() => PaddedMlpWeights.Create(fc1, fc3, fc2, _hidden);

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        if (Padded is { } p)
        {
            // The padded units are act(0)·0 = 0 and meet zero columns of the output weight.
            var hidden = _activation(nn.functional.linear(input, p.Input, p.InputBias)).mul(nn.functional.linear(input, p.Gate!, p.GateBias));
            return nn.functional.linear(hidden, p.Output, fc2.bias).MoveToOuterDisposeScope();
        }
        return fc2.forward(_activation(fc1.forward(input)).mul(fc3.forward(input))).MoveToOuterDisposeScope();
    }
}
