using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>SwiGLU-style feed-forward: <c>fc2(act(fc1 x) * fc3 x)</c>.</summary>
public sealed class GatedMlp : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear fc3;
#pragma warning restore IDE1006
    private readonly Func<Tensor, Tensor> _activation;

    public GatedMlp(long dim, long hidden, bool bias, Func<Tensor, Tensor> activation, Device device, ScalarType dtype) : base(nameof(GatedMlp))
    {
        fc1 = nn.Linear(dim, hidden, bias, device, dtype);
        fc2 = nn.Linear(hidden, dim, bias, device, dtype);
        fc3 = nn.Linear(dim, hidden, bias, device, dtype);
        _activation = activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return fc2.forward(_activation(fc1.forward(input)).mul(fc3.forward(input))).MoveToOuterDisposeScope();
    }
}
