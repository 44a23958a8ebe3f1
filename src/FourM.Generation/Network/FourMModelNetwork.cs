using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Model;
using FourM.Model.Modalities;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Network;

/// <summary>Generation's view of a loaded <see cref="FourMModel"/> (adapter: generation speaks plain sample states, the model tensors).</summary>
public sealed class FourMModelNetwork(FourMModel model) : IGenerationNetwork
{
    public FourMModel Model { get; } = model;
    public Device Device => Model.Device;
    public ScalarType ComputeType => Model.Dtype;
    public int Dim => (int)Model.Config.Dim;

    /// <summary>The model's modalities (built-in and user-registered) as generation sees them.</summary>
    public static ModalityCatalog CatalogOf(FourMModel model) => new(model.Modalities.All.Select(m => new ModalityDescriptor(
        m.Name,
        m.Type switch { ModalityType.Image => ModalityKind.Image, ModalityType.Sequence => ModalityKind.Sequence, _ => ModalityKind.SequenceEmbedding },
        m.TokenCount(model.Config.ImageSize, model.Config.PatchSize),
        IsPixels: m.EncoderEmbedding == EncoderEmbeddingKind.ImagePixels)));

    public bool HasEncoderInput(string modality) => Model.EncoderModalities.Contains(modality);
    public bool HasDecoderOutput(string modality) => Model.DecoderModalities.Contains(modality);

    public (Tensor Content, Tensor Embedding) EmbedEncoderInputs(IReadOnlyList<ModalityState> states)
    {
        using var scope = NewDisposeScope();
        var first = states[0];
        int length = first.InputMask.Length;
        var masks = new bool[states.Count * length];
        for (int b = 0; b < states.Count; b++) states[b].InputMask.CopyTo(masks, b * length);
        var inputMask = torch.tensor(masks, [states.Count, length], device: Device);
        Tensor input;
        if (first.Pixels is not null)
        {
            var shape = new long[] { states.Count }.Concat(first.PixelShape!.Select(x => (long)x)).ToArray();
            input = torch.tensor(states.SelectMany(s => s.Pixels!).ToArray(), shape, device: Device).to(ComputeType);
        }
        else
        {
            int tokens = first.Tokens.Length;
            var ids = new long[states.Count * tokens];
            for (int b = 0; b < states.Count; b++) states[b].Tokens.CopyTo(ids, b * tokens);
            input = torch.tensor(ids, [states.Count, tokens], device: Device);
        }
        var output = Model.EmbedEncoderInput(first.Modality, input, inputMask);
        return (output.X.MoveToOuterDisposeScope(), output.Emb.MoveToOuterDisposeScope());
    }

    public Tensor Encode(Tensor tokens, Tensor paddingMask) => Model.Encode(tokens, paddingMask.unsqueeze(1));

    public Tensor ProjectContext(Tensor encoded, Tensor embedding) => Model.ProjectContext(encoded, embedding);

    public Tensor DecoderPositionEmbedding(ModalityState target)
    {
        using var scope = NewDisposeScope();
        var tokens = torch.tensor(target.Tokens, device: Device).unsqueeze(0);
        var targetMask = torch.tensor(target.TargetMask, device: Device).unsqueeze(0);
        return Model.EmbedDecoderTarget(target.Modality, tokens, targetMask).Emb[0].MoveToOuterDisposeScope();
    }

    public Tensor MaskToken => Model.MaskToken.reshape(-1);

    public Tensor DecoderTokenEmbedding(string target, Tensor ids) => Model.DecoderEmbeddingFor(target).EmbedTokens(ids);

    public Tensor Decode(Tensor queries, Tensor context, Tensor contextPaddingMask, Tensor? selfAttentionMask) =>
        Model.Decode(queries, context, selfAttentionMask, contextPaddingMask.unsqueeze(1));

    public Tensor Logits(string target, Tensor decoded) => Model.Logits(target, decoded);

    public IIncrementalDecoder? StartIncrementalDecoder(Tensor context, Tensor contextPaddingMask) =>
        new CachedDecoder(Model, Model.StartDecoding(context), contextPaddingMask.unsqueeze(1).DetachFromDisposeScope());

    /// <summary>The model's KV cache: self-attention keys/values grow per token, cross-attention keys/values are computed once.</summary>
    private sealed class CachedDecoder(FourMModel model, DecoderCache cache, Tensor crossMask) : IIncrementalDecoder
    {
        public Tensor Step(Tensor next) => model.DecodeStep(cache, next, null, crossMask);

        public void Dispose()
        {
            cache.Dispose();
            crossMask.Dispose();
        }
    }
}
