using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Modules;

/// <summary>
/// The reference's <c>DecoderBlock</c>: self-attention, cross-attention on the (per-layer normalised) context, MLP, each pre-LN
/// with a residual.
/// </summary>
public sealed class DecoderBlock : nn.Module
{
#pragma warning disable IDE1006
    private readonly LayerNormalization norm1;
    private readonly SelfAttention self_attn;
    private readonly CrossAttention cross_attn;
    private readonly LayerNormalization query_norm;
    private readonly LayerNormalization context_norm;
    private readonly LayerNormalization norm2;
    private readonly FeedForwardModule mlp;
#pragma warning restore IDE1006

    public DecoderBlock(BlockOptions options) : base(nameof(DecoderBlock))
    {
        norm1 = options.Norm(options.Dim);
        self_attn = new SelfAttention(options);
        cross_attn = new CrossAttention(options);
        query_norm = options.Norm(options.Dim);
        context_norm = options.Norm(options.Dim);
        norm2 = options.Norm(options.Dim);
        mlp = options.FeedForward();
        RegisterComponents();
    }

    /// <summary>The feed-forward's <see cref="Modules.MlpLayout"/>.</summary>
    public MlpLayout MlpLayout
    {
        get => mlp.Layout;
        set => mlp.Layout = value;
    }

    public AttentionKernel Kernel
    {
        get => self_attn.Kernel;
        set
        {
            self_attn.Kernel = value;
            cross_attn.Kernel = value;
        }
    }

    /// <summary>y (B,M,D), context (B,N,D); selfMask (B,M,M); crossMask (B,1,N) or (B,M,N); True = blocked.</summary>
    public Tensor Forward(Tensor y, Tensor context, Tensor? selfMask, Tensor? crossMask)
    {
        using var scope = NewDisposeScope();
        y = y.Plus(self_attn.Forward(norm1.forward(y), selfMask));
        y = y.Plus(cross_attn.Forward(query_norm.forward(y), context_norm.forward(context), crossMask));
        y = y.Plus(mlp.forward(norm2.forward(y)));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Cross-attention keys/values of a context for <see cref="ForwardCached"/> (computed once per target).</summary>
    public (Tensor Keys, Tensor Values) ProjectContext(Tensor context)
    {
        using var scope = NewDisposeScope();
        var (k, v) = cross_attn.ProjectContext(context_norm.forward(context));
        return (k.MoveToOuterDisposeScope(), v.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Incremental step: new tokens y (B,T,D) attend to the cached self-attention state plus themselves
    /// (selfMask (B,T,cached+T)) and to the precomputed context keys/values (crossMask (B,1,N) or (B,T,N)).
    /// </summary>
    public Tensor ForwardCached(Tensor y, IKeyValueCache cache, Tensor contextKeys, Tensor contextValues, Tensor? selfMask, Tensor? crossMask)
    {
        using var scope = NewDisposeScope();
        y = y.Plus(self_attn.ForwardCached(norm1.forward(y), selfMask, cache));
        y = y.Plus(cross_attn.Forward(query_norm.forward(y), contextKeys, contextValues, crossMask));
        y = y.Plus(mlp.forward(norm2.forward(y)));
        return y.MoveToOuterDisposeScope();
    }
}
