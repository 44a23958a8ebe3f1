using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Steps;
using FourM.Model;
using FourM.Model.Embeddings;
using FourM.Model.Modalities;
using FourM.Model.Modules;
using FourM.Model.Runtime.CudaGraphs;
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
        IsPixels: m.EncoderEmbedding == EncoderEmbeddingKind.ImagePixels,
        VocabSize: m.VocabSize)));

    public bool HasEncoderInput(string modality) => Model.EncoderModalities.Contains(modality);
    public bool HasDecoderOutput(string modality) => Model.DecoderModalities.Contains(modality);

    public (Tensor Content, Tensor Embedding) EmbedEncoderInputs(IReadOnlyList<ModalityState> states)
    {
        using var scope = NewDisposeScope();
        int batch = states.Count;
        long n = states[0].InputMask.Length;
        var masks = new bool[batch * n];
        for (int i = 0; i < batch; i++) states[i].InputMask.CopyTo(masks, i * n);
        Tensor input;
        var embedding = Model.EncoderEmbeddingFor(states[0].Modality);
        bool checkedOnHost = false;
        if (states[0].Pixels is { } first)
        {
            var pixels = new float[batch * first.LongLength];
            for (int i = 0; i < batch; i++) states[i].Pixels!.CopyTo(pixels, i * first.LongLength);
            long[] shape = [batch, .. states[0].PixelShape!.Select(x => (long)x)];
            input = DeviceArrays.Copy(pixels, shape, Device).to(ComputeType);
        }
        else
        {
            var tokens = new long[batch * n];
            for (int i = 0; i < batch; i++) states[i].Tokens.CopyTo(tokens, i * n);
            input = DeviceArrays.Copy(tokens, [batch, n], Device);
            checkedOnHost = CheckOnHost(embedding, tokens, masks, batch);
        }
        var mask = DeviceArrays.Copy(masks, [batch, n], Device);
        var output = checkedOnHost
            ? HostInputChecks.WithoutDeviceChecks(embedding, () => embedding.Embed(input, mask))
            : embedding.Embed(input, mask);
        return (output.X.MoveToOuterDisposeScope(), output.Emb.MoveToOuterDisposeScope());
    }

    public Tensor Encode(Tensor tokens, Tensor? paddingMask) => Model.Encode(tokens, paddingMask?.unsqueeze(1));

    private readonly PassGraphsSetting<EncoderPassGraphs> _encoderGraphs = new(model.Device, () => new EncoderPassGraphs(model));

    public bool ReplaysEncoderPasses => _encoderGraphs.Current is { Failure: null };

    /// <summary>
    /// On CUDA (default on): padded encoder passes replay CUDA graphs per shape bucket (<see cref="Network.EncoderPassGraphs"/>;
    /// docs/generation.md). No effect on other devices.
    /// </summary>
    public bool EncoderPassGraphs { get => _encoderGraphs.Enabled; set => _encoderGraphs.Enabled = value; }

    /// <summary>How many encoder pass graphs are kept (<see cref="PassGraphs{TBuffers}.Capacity"/>); CUDA only.</summary>
    public int EncoderGraphCapacity { get => _encoderGraphs.Capacity; set => _encoderGraphs.Capacity = value; }

    /// <summary>The encoder pass graphs in use (counts, failure), or null.</summary>
    public EncoderPassGraphs? EncoderGraphs => _encoderGraphs.Current;

    /// <summary>Replaces the encoder pass graphs (null: none); tests pass one that runs its buckets eagerly on the CPU.</summary>
    public void UseEncoderGraphs(EncoderPassGraphs? graphs) => _encoderGraphs.Use(graphs);

    public Tensor EncodePadded(Tensor tokens, long[] lengths)
    {
        Tensor Plain() => Encode(tokens, EncoderPass.PaddingMask(lengths, tokens.shape[1], Device));
        return _encoderGraphs.Current is { } graphs ? graphs.Encode(tokens, lengths, Plain) : Plain();
    }

    /// <summary>
    /// Off by default. On an H200 packing made lockstep batches whose rows differ in length (guided T2I: the unconditional
    /// rows lack the caption) faster for B (T2I batch 32: 0.067 against 0.089 s/sample, the homogeneous serving baseline 24–28
    /// against 19 samples/s), but L T2I 8 % slower and mixed serving no faster (docs/benchmarks.md); the CPU's goldens and
    /// batch-invariance tests check the padded path's bits.
    /// </summary>
    public bool PacksEncoderTokens { get; set; }

    public Tensor EncodePacked(Tensor tokens, TokenPacking packing) => Model.EncodePacked(tokens, packing);

    public Tensor ProjectContext(Tensor encoded, Tensor embedding) => Model.ProjectContext(encoded, embedding);

    public Tensor DecoderPositionEmbedding(ModalityState target)
    {
        using var scope = NewDisposeScope();
        return DecoderPositionEmbeddings(target.Modality, target.Tokens, target.TargetMask, 1)[0].MoveToOuterDisposeScope();
    }

    public Tensor DecoderPositionEmbeddings(string modality, long[] tokens, bool[] targetMasks, int batch)
    {
        using var scope = NewDisposeScope();
        long n = tokens.Length / batch;
        var ids = DeviceArrays.Copy(tokens, [batch, n], Device);
        var targetMask = DeviceArrays.Copy(targetMasks, [batch, n], Device);
        var embedding = Model.DecoderEmbeddingFor(modality);
        if (embedding.Modality.VocabSize is not { } vocab || embedding is not (ImageTokenDecoderEmbedding or SequenceDecoderEmbedding))
            return embedding.EmbedTarget(ids, targetMask).Emb.MoveToOuterDisposeScope();
        // The adapters' checks on the host arrays: their device versions read back from the device (for a sequence target
        // three times: the ids' range and the largest position), each a wait for every queued kernel.
        HostInputChecks.TokenIds(tokens, vocab, modality);
        if (embedding is SequenceDecoderEmbedding sequence)
            HostInputChecks.PositionCount(targetMasks, batch, sequence.PositionEmbedding.shape[1], modality, sequence.MaxLength);
        return HostInputChecks.WithoutDeviceChecks(embedding, () => embedding.EmbedTarget(ids, targetMask)).Emb.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The checks of the token adapters, done on the host arrays (they run every step: on a GPU their device versions would
    /// stall the host mid-step). False for adapters whose checks stay on the device.
    /// </summary>
    private static bool CheckOnHost(EncoderEmbedding embedding, long[] tokens, bool[] masks, int batch)
    {
        if (embedding.Modality.VocabSize is not { } vocab) return false;
        switch (embedding)
        {
            case ImageTokenEncoderEmbedding:
                HostInputChecks.TokenIds(tokens, vocab, embedding.Modality.Name);
                return true;
            case SequenceEncoderEmbedding:
                HostInputChecks.TokenIds(tokens, vocab, embedding.Modality.Name);
                HostInputChecks.PositionCount(masks, batch, embedding.PositionEmbedding.shape[1], embedding.Modality.Name);
                return true;
            default:
                return false;
        }
    }

    public Tensor MaskToken => Model.MaskToken.reshape(-1);

    public Tensor DecoderTokenEmbedding(string target, Tensor ids)
    {
        // Generation feeds back ids sampled from this model's own logits head, so they are always in range; the range check
        // would cost two device→host syncs per decoded token.
        var embedding = Model.DecoderEmbeddingFor(target);
        return HostInputChecks.WithoutDeviceChecks(embedding, () => embedding.EmbedTokens(ids));
    }

    public Tensor Decode(Tensor queries, Tensor context, Tensor? contextPaddingMask, Tensor? selfAttentionMask) =>
        Model.Decode(queries, context, selfAttentionMask, contextPaddingMask?.unsqueeze(1));

    public Tensor Logits(string target, Tensor decoded) => Model.Logits(target, decoded);

    private readonly PassGraphsSetting<DecoderPassGraphs> _decoderGraphs = new(model.Device, () => new DecoderPassGraphs(model));

    /// <summary>
    /// On CUDA (and on by default there): decoder passes of image steps replay CUDA graphs per shape bucket
    /// (<see cref="DecoderPassGraphs"/>; docs/generation.md). No effect on other devices.
    /// </summary>
    public bool DecoderPassGraphs { get => _decoderGraphs.Enabled; set => _decoderGraphs.Enabled = value; }

    /// <summary>How many decoder pass graphs are kept (<see cref="PassGraphs{TBuffers}.Capacity"/>); CUDA only.</summary>
    public int DecoderGraphCapacity { get => _decoderGraphs.Capacity; set => _decoderGraphs.Capacity = value; }

    /// <summary>The decoder pass graphs in use (counts, failure), or null.</summary>
    public DecoderPassGraphs? DecoderGraphs => _decoderGraphs.Current;

    /// <summary>Replaces the decoder pass graphs (null: none); tests pass one that runs its buckets eagerly on the CPU.</summary>
    public void UseDecoderGraphs(DecoderPassGraphs? graphs) => _decoderGraphs.Use(graphs);

    public Tensor DecodePadded(Tensor queries, Tensor context, long[] queryLengths, long[] contextLengths)
    {
        Tensor Plain() => DecoderRows.DecodeMasked(this, queries, context, queryLengths, contextLengths);
        return _decoderGraphs.Current is { } graphs ? graphs.Decode(queries, context, queryLengths, contextLengths, Plain) : Plain();
    }

    public IIncrementalDecoder? StartIncrementalDecoder(Tensor context, Tensor? contextPaddingMask, int maxLength, AutoregressiveDecoding decoding)
    {
        var crossMask = Model.PrepareAttentionMask(contextPaddingMask?.unsqueeze(1))?.DetachFromDisposeScope();
        bool graphs = decoding == AutoregressiveDecoding.CudaGraphs && Device.type == DeviceType.CUDA && CudaGraph.Unsupported is null;
        if (!graphs && decoding != AutoregressiveDecoding.PreallocatedCache) return new CachedDecoder(Model, Model.StartDecoding(context), crossMask);
        var cache = Model.StartDecoding(context, maxLength);
        return new PreallocatedDecoder(new GraphedDecoder(Model, cache, crossMask, captureGraphs: graphs), cache, crossMask);
    }

    /// <summary>The model's KV cache: self-attention keys/values grow per token, cross-attention keys/values are computed once.</summary>
    private sealed class CachedDecoder(FourMModel model, DecoderCache cache, Tensor? crossMask) : IIncrementalDecoder
    {
        public Tensor Step(Tensor next) => model.DecodeStep(cache, next, null, crossMask);

        public void Dispose()
        {
            cache.Dispose();
            crossMask?.Dispose();
        }
    }

    /// <summary>A preallocated KV cache whose steps replay a CUDA graph where they can (<see cref="GraphedDecoder"/>).</summary>
    private sealed class PreallocatedDecoder(GraphedDecoder decoder, DecoderCache cache, Tensor? crossMask) : IIncrementalDecoder
    {
        public Tensor Step(Tensor next) => decoder.Step(next);

        public void Dispose()
        {
            decoder.Dispose();
            cache.Dispose();
            crossMask?.Dispose();
        }
    }
}
