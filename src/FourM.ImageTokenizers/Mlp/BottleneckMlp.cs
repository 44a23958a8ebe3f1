using FourM.ImageTokenizers.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Mlp;

/// <summary>
/// The reference's MLP tokenizer trunk (<c>mlp_models.py</c>) for global embeddings, point-wise over a (B, D, H, W) map:
/// <c>BottleneckMLP</c> (linear_in, residual blocks x + fc(GELU(fc(LN(x)))), linear_out) or the plain <c>MLP</c>
/// (linear_in, then LN → linear per layer, linear_out). LayerNorm eps 1e-5 (PyTorch default).
/// </summary>
public sealed class BottleneckMlp : nn.Module<Tensor, Tensor>
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly nn.Module<Tensor, Tensor> _linearIn;
    private readonly nn.Module<Tensor, Tensor> _linearOut;
    private readonly nn.Module<Tensor, Tensor>[] _norms;
    private readonly nn.Module<Tensor, Tensor>[] _layers;
    private readonly bool _residualBlocks;

    private BottleneckMlp(long dimIn, long dimOut, long[] widths, long[] wides, bool residualBlocks) : base(nameof(BottleneckMlp))
    {
        _residualBlocks = residualBlocks;
        DimIn = dimIn;
        DimOut = dimOut;
        if (residualBlocks)
        {
            var thin = widths[0];
            _linearIn = nn.Linear(dimIn, thin);
            _norms = wides.Select(_ => (nn.Module<Tensor, Tensor>)nn.LayerNorm(thin)).ToArray();
            _layers = wides.Select(wide => (nn.Module<Tensor, Tensor>)new BottleneckBlock(thin, wide)).ToArray();
            _linearOut = nn.Linear(thin, dimOut);
            register_module("blocks", nn.ModuleList(_layers));
        }
        else
        {
            _linearIn = nn.Linear(dimIn, widths[0]);
            _norms = widths.Skip(1).Select(w => (nn.Module<Tensor, Tensor>)nn.LayerNorm(w)).ToArray();
            _layers = widths.Zip(widths.Skip(1)).Select(p => (nn.Module<Tensor, Tensor>)nn.Linear(p.First, p.Second)).ToArray();
            _linearOut = nn.Linear(widths[^1], dimOut);
            register_module("layers", nn.ModuleList(_layers));
        }
        register_module("linear_in", _linearIn);
        register_module("linear_out", _linearOut);
        register_module("layernorms", nn.ModuleList(_norms));
    }

    public long DimIn { get; }
    public long DimOut { get; }

    public static BottleneckMlp FromShapes(CheckpointShapes shapes, string prefix)
    {
        var dimIn = shapes.Dim($"{prefix}.linear_in.weight", 1);
        var dimOut = shapes.Dim($"{prefix}.linear_out.weight", 0);
        if (shapes.Has($"{prefix}.blocks.0.block.0.weight"))
        {
            var count = shapes.CountIndexed($"{prefix}.blocks");
            var thin = shapes.Dim($"{prefix}.linear_in.weight", 0);
            var wides = Enumerable.Range(0, count).Select(i => shapes.Dim($"{prefix}.blocks.{i}.block.0.weight", 0)).ToArray();
            return new BottleneckMlp(dimIn, dimOut, [thin], wides, residualBlocks: true);
        }
        var layers = shapes.CountIndexed($"{prefix}.layers");
        var widths = new[] { shapes.Dim($"{prefix}.linear_in.weight", 0) }
            .Concat(Enumerable.Range(0, layers).Select(i => shapes.Dim($"{prefix}.layers.{i}.weight", 0))).ToArray();
        return new BottleneckMlp(dimIn, dimOut, widths, [], residualBlocks: false);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var isMap = input.dim() == 4;
        var x = isMap ? input.flatten(2).transpose(1, 2) : input;
        x = _linearIn.forward(x);
        for (var i = 0; i < _layers.Length; i++)
            x = _residualBlocks ? x.Plus(_layers[i].forward(_norms[i].forward(x))) : _layers[i].forward(_norms[i].forward(x));
        x = _linearOut.forward(x);
        if (isMap) x = x.transpose(1, 2).reshape(input.shape[0], x.shape[2], input.shape[2], input.shape[3]);
        return x.MoveToOuterDisposeScope();
    }

    private sealed class BottleneckBlock : nn.Module<Tensor, Tensor>
    {
        // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
        protected override void RegisterComponents() { }

        private readonly nn.Module<Tensor, Tensor> _up;
        private readonly nn.Module<Tensor, Tensor> _down;

        public BottleneckBlock(long thin, long wide) : base(nameof(BottleneckBlock))
        {
            _up = nn.Linear(thin, wide);
            _down = nn.Linear(wide, thin);
            // nn.Sequential(Linear, GELU, Linear): the linears are children 0 and 2 of "block".
            register_module("block", new SequentialNames(_up, _down));
        }

        public override Tensor forward(Tensor x)
        {
            using var h = _up.forward(x);
            using var a = nn.functional.gelu(h);
            return _down.forward(a);
        }
    }

    private sealed class SequentialNames : nn.Module
    {
        // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
        protected override void RegisterComponents() { }

        public SequentialNames(nn.Module first, nn.Module third) : base("Sequential")
        {
            register_module("0", first);
            register_module("2", third);
        }
    }
}
