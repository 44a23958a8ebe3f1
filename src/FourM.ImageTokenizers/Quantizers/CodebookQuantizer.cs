using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.ImageTokenizers.Quantizers;

/// <summary>
/// The reference's "lucid" vector quantizer with one codebook (<c>quantize._codebook.embed</c>, K×D). With
/// <c>norm_codes</c> the token is the argmax of the cosine similarity between the l2-normalised latent and the
/// l2-normalised codes; otherwise the nearest code in Euclidean distance. Either way the embedding returned is the
/// stored, un-normalised code row.
/// </summary>
public sealed class CodebookQuantizer : nn.Module, IQuantizer
{
    // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
    protected override void RegisterComponents() { }

    private readonly Codebook _codebook;
    private readonly bool _cosineSimilarity;

    public CodebookQuantizer(long codebookSize, long dim, bool cosineSimilarity) : base(nameof(CodebookQuantizer))
    {
        _cosineSimilarity = cosineSimilarity;
        CodebookSize = codebookSize;
        _codebook = new Codebook(codebookSize, dim);
        register_module("_codebook", _codebook);
    }

    public long CodebookSize { get; }

    public Tensor Tokenize(Tensor latent)
    {
        using var scope = NewDisposeScope();
        var (b, d, h, w) = (latent.shape[0], latent.shape[1], latent.shape[2], latent.shape[3]);
        // The reference quantizes in float32 whatever the network's dtype.
        var flat = latent.to(ScalarType.Float32).permute(0, 2, 3, 1).reshape(-1, d);
        var codes = _codebook.Embed.to(ScalarType.Float32);
        var score = _cosineSimilarity
            ? nn.functional.normalize(flat, p: 2, dim: -1).matmul(nn.functional.normalize(codes, p: 2, dim: -1).t())
            : -(flat.PowBy(2).sum(1, keepdim: true) - flat.matmul(codes.t()).MulBy(2)).Plus(codes.PowBy(2).sum(1).unsqueeze(0));
        return score.argmax(-1).reshape(b, h, w).MoveToOuterDisposeScope();
    }

    public Tensor Embed(Tensor tokens)
    {
        CheckRange(tokens, CodebookSize);
        using var scope = NewDisposeScope();
        return Lookup(_codebook.Embed, tokens).permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Rows of <paramref name="table"/> at <paramref name="ids"/>: shape ids.shape + [D].</summary>
    internal static Tensor Lookup(Tensor table, Tensor ids) =>
        table.index_select(0, ids.flatten()).reshape([.. ids.shape, table.shape[1]]);

    internal static void CheckRange(Tensor tokens, long codebookSize)
    {
        if (tokens.numel() == 0) return;
        var min = tokens.min().item<long>();
        var max = tokens.max().item<long>();
        if (min < 0 || max >= codebookSize)
            throw new ArgumentOutOfRangeException(nameof(tokens), $"token ids must lie in [0, {codebookSize}), got [{min}, {max}]");
    }

    /// <summary>Holds the code rows so that their state-dict name is <c>_codebook.embed</c>, as in the reference.</summary>
    private sealed class Codebook : nn.Module
    {
        // Children are registered by hand under the reference's state-dict names, not TorchSharp's field names.
        protected override void RegisterComponents() { }

        [ComponentName(Name = "embed")]
        public Parameter Embed;

        public Codebook(long size, long dim) : base("CosineSimCodebook")
        {
            Embed = new Parameter(zeros(size, dim), requires_grad: false);
            register_parameter("embed", Embed);
        }
    }
}
