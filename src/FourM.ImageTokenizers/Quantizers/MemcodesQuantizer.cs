using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Quantizers;

/// <summary>
/// The reference's memcodes quantizer (used by the global-embedding and pose tokenizers): per head, the token is
/// argmax over codes of (q·d⁻½)·to_k(codes), and the embedding is to_v(codes)[token]. <c>to_k</c>/<c>to_v</c> are
/// per-head matrices (h, d, c) without bias.
/// </summary>
public sealed class MemcodesQuantizer : nn.Module, IQuantizer
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    [ComponentName(Name = "codes")]
    private Parameter _codes;
    private readonly Projection _toKey;
    private readonly Projection _toValue;
    private readonly long _heads;
    private readonly long _headDim;

    public MemcodesQuantizer(long heads, long codebookSize, long headDim) : base(nameof(MemcodesQuantizer))
    {
        _heads = heads;
        _headDim = headDim;
        CodebookSize = codebookSize;
        _codes = new Parameter(zeros(heads, codebookSize, headDim), requires_grad: false);
        _toKey = new Projection(heads, headDim);
        _toValue = new Projection(heads, headDim);
        register_parameter("codes", _codes);
        register_module("to_k", _toKey);
        register_module("to_v", _toValue);
    }

    public long CodebookSize { get; }

    public Tensor Tokenize(Tensor latent)
    {
        using var scope = NewDisposeScope();
        var (b, d, h, w) = (latent.shape[0], latent.shape[1], latent.shape[2], latent.shape[3]);
        if (d != _heads * _headDim) throw new ArgumentException($"latent width {d} is not {_heads} heads × {_headDim}");
        var query = latent.flatten(2).transpose(1, 2).reshape(b, h * w, _heads, _headDim).permute(0, 2, 1, 3).MulBy(Math.Pow(_headDim, -0.5));
        var keys = einsum("hnd,hdc->hnc", _codes, _toKey.Weight);
        var tokens = einsum("bhid,hjd->bhij", query, keys).argmax(-1).reshape(b, _heads, h, w);
        return (_heads == 1 ? tokens.squeeze(1) : tokens).MoveToOuterDisposeScope();
    }

    public Tensor Embed(Tensor tokens)
    {
        CodebookQuantizer.CheckRange(tokens, CodebookSize);
        using var scope = NewDisposeScope();
        var perHead = tokens.dim() == 3 ? tokens.unsqueeze(1) : tokens;
        var (b, h, gh, gw) = (perHead.shape[0], perHead.shape[1], perHead.shape[2], perHead.shape[3]);
        if (h != _heads) throw new ArgumentException($"tokens carry {h} heads, the quantizer has {_heads}");
        var values = einsum("hnd,hdc->hnc", _codes, _toValue.Weight);
        var picked = Enumerable.Range(0, (int)h)
            .Select(i => CodebookQuantizer.Lookup(values[i], perHead[.., i])) // (b, gh, gw, c)
            .ToArray();
        return stack(picked, 3).reshape(b, gh, gw, h * _headDim).permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>The per-head EinMix projection, whose matrix (h, d, c) is stored as <c>weight</c>.</summary>
    private sealed class Projection : nn.Module
    {
        // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
        protected override void RegisterComponents() { }

        [ComponentName(Name = "weight")]
        public Parameter Weight;

        public Projection(long heads, long dim) : base("EinMix")
        {
            Weight = new Parameter(zeros(heads, dim, dim), requires_grad: false);
            register_parameter("weight", Weight);
        }
    }
}
