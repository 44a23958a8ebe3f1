using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>The reference's <c>CrossAttention</c> / <c>NormCrossAttention</c>: queries from x, keys/values from the context.</summary>
public sealed class CrossAttention : nn.Module
{
#pragma warning disable IDE1006
    private readonly Linear q;
    private readonly Linear kv;
    private readonly Linear proj;
    private readonly LayerNormalization? q_norm;
    private readonly LayerNormalization? k_norm;
#pragma warning restore IDE1006
    private readonly long _heads;
    private readonly double _scale;

    public CrossAttention(BlockOptions options) : base(nameof(CrossAttention))
    {
        _heads = options.NumHeads;
        _scale = Math.Pow(options.HeadDim, -0.5);
        q = nn.Linear(options.Dim, options.Dim, options.QkvBias, options.Device, options.Dtype);
        kv = nn.Linear(options.Dim, options.Dim * 2, options.QkvBias, options.Device, options.Dtype);
        proj = nn.Linear(options.Dim, options.Dim, options.ProjBias, options.Device, options.Dtype);
        if (options.QkNorm)
        {
            q_norm = options.Norm(options.HeadDim);
            k_norm = options.Norm(options.HeadDim);
        }
        RegisterComponents();
    }

    public AttentionKernel Kernel { get; set; } = AttentionKernel.Exact;

    /// <summary>x (B,N,D), context (B,M,D), mask (B,1,M) or (B,N,M), True = blocked.</summary>
    public Tensor Forward(Tensor x, Tensor context, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var (k, v) = ProjectContext(context);
        return Forward(x, k, v, mask).MoveToOuterDisposeScope();
    }

    /// <summary>Keys and values (B,H,M,hd) of a context, computed once and reused for every decoding step.</summary>
    public (Tensor Keys, Tensor Values) ProjectContext(Tensor context)
    {
        using var scope = NewDisposeScope();
        var (b, m, c) = (context.shape[0], context.shape[1], context.shape[2]);
        var parts = kv.forward(context).reshape(b, m, 2, _heads, c / _heads).permute(2, 0, 3, 1, 4).unbind(0);
        Tensor k = parts[0], v = parts[1];
        if (k_norm is not null) k = k_norm.forward(k);
        return (k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    /// <summary>Attention against precomputed context keys/values.</summary>
    public Tensor Forward(Tensor x, Tensor keys, Tensor values, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var query = AttentionMath.SplitHeads(q.forward(x), _heads);
        if (q_norm is not null) query = q_norm.forward(query);
        var attended = AttentionMath.Attend(query, keys, values, AttentionMath.WithHeadAxis(mask), _scale, Kernel);
        return proj.forward(AttentionMath.MergeHeads(attended)).MoveToOuterDisposeScope();
    }
}
