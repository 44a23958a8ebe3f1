using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FourM.Model.Modules;

/// <summary>
/// The reference's <c>Attention</c> / <c>NormAttention</c>: fused qkv projection, optional LayerNorm on q and k per head
/// (<c>q_norm</c>, <c>k_norm</c>), attention, output projection.
/// </summary>
public sealed class SelfAttention : nn.Module
{
#pragma warning disable IDE1006
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly LayerNormalization? q_norm;
    private readonly LayerNormalization? k_norm;
#pragma warning restore IDE1006
    private readonly long _heads;
    private readonly double _scale;

    public SelfAttention(BlockOptions options) : base(nameof(SelfAttention))
    {
        _heads = options.NumHeads;
        _scale = Math.Pow(options.HeadDim, -0.5);
        qkv = nn.Linear(options.Dim, options.Dim * 3, options.QkvBias, options.Device, options.Dtype);
        proj = nn.Linear(options.Dim, options.Dim, options.ProjBias, options.Device, options.Dtype);
        if (options.QkNorm)
        {
            q_norm = options.Norm(options.HeadDim);
            k_norm = options.Norm(options.HeadDim);
        }
        RegisterComponents();
    }

    public AttentionKernel Kernel { get; set; } = AttentionKernel.Exact;

    /// <summary>x (B,N,D); mask (B,N,N) or (B,1,N), True = blocked.</summary>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Project(x);
        var attended = AttentionMath.Attend(q, k, v, AttentionMath.WithHeadAxis(mask), _scale, Kernel);
        return proj.forward(AttentionMath.MergeHeads(attended)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Attends new tokens x (B,T,D) to the cached keys/values plus their own; appends their keys/values to the cache.
    /// mask (B,T,cached+T), True = blocked.
    /// </summary>
    public Tensor ForwardCached(Tensor x, Tensor? mask, IKeyValueCache cache)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Project(x);
        cache.Append(k, v);
        var attended = AttentionMath.Attend(q, cache.Keys, cache.Values, AttentionMath.WithHeadAxis(mask), _scale, Kernel);
        return proj.forward(AttentionMath.MergeHeads(attended)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Packed tokens x (T,D): the projections run on the T tokens, attention per group of the packing on that group's padded
    /// rows, with <paramref name="masks"/>[g] (B_g,1,1,L_g) blocking group g's padding keys (prepared for the kernel once per
    /// pass); the padding slots' query outputs are dropped. Returns (T,D).
    /// </summary>
    public Tensor ForwardPacked(Tensor x, TokenPacking packing, IReadOnlyList<Tensor?> masks)
    {
        using var scope = NewDisposeScope();
        var projected = qkv.forward(x);
        var groups = packing.Groups;
        var attended = new Tensor[groups.Count];
        for (int g = 0; g < groups.Count; g++)
        {
            var (q, k, v) = Split(groups[g].Pad(projected));
            attended[g] = groups[g].Pack(AttentionMath.MergeHeads(AttentionMath.Attend(q, k, v, masks[g], _scale, Kernel)));
        }
        return proj.forward(attended.Length == 1 ? attended[0] : cat(attended, 0)).MoveToOuterDisposeScope();
    }

    private (Tensor Q, Tensor K, Tensor V) Project(Tensor x) => Split(qkv.forward(x));

    /// <summary>(B,N,3D) fused projections → q, k, v (B,H,N,hd), with the optional per-head norms.</summary>
    private (Tensor Q, Tensor K, Tensor V) Split(Tensor projected)
    {
        var (b, n, c) = (projected.shape[0], projected.shape[1], projected.shape[2] / 3);
        // unbind: the three views in one host call (indexing makes one call each).
        var parts = projected.reshape(b, n, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4).unbind(0);
        Tensor q = parts[0], k = parts[1], v = parts[2];
        if (q_norm is not null) q = q_norm.forward(q);
        if (k_norm is not null) k = k_norm.forward(k);
        return (q, k, v);
    }
}
