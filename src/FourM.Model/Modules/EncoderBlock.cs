using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Modules;

/// <summary>Pre-LN transformer block (the reference's <c>Block</c>): <c>x += attn(norm1 x, mask); x += mlp(norm2 x)</c>.</summary>
public sealed class EncoderBlock : nn.Module
{
#pragma warning disable IDE1006
    private readonly LayerNormalization norm1;
    private readonly SelfAttention attn;
    private readonly LayerNormalization norm2;
    private readonly FeedForwardModule mlp;
#pragma warning restore IDE1006

    public EncoderBlock(BlockOptions options) : base(nameof(EncoderBlock))
    {
        norm1 = options.Norm(options.Dim);
        attn = new SelfAttention(options);
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
        get => attn.Kernel;
        set => attn.Kernel = value;
    }

    /// <summary>The same block on packed tokens x (T,D) (see <see cref="TokenPacking"/>); one attention mask per packing group.</summary>
    public Tensor ForwardPacked(Tensor x, TokenPacking packing, IReadOnlyList<Tensor?> masks)
    {
        using var scope = NewDisposeScope();
        x = x.Plus(attn.ForwardPacked(norm1.forward(x), packing, masks));
        x = x.Plus(mlp.forward(norm2.forward(x)));
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>x (B,N,D); mask (B,1,N) or (B,N,N), True = blocked.</summary>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        x = x.Plus(attn.Forward(norm1.forward(x), mask));
        x = x.Plus(mlp.forward(norm2.forward(x)));
        return x.MoveToOuterDisposeScope();
    }
}
