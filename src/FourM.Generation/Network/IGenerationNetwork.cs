using FourM.Generation.Batching;
using static TorchSharp.torch;

namespace FourM.Generation.Network;

/// <summary>
/// The pieces of a 4M model that generation drives, at the granularity the reference's sampler uses them
/// (<c>fourm/models/generate.py</c>). Masks follow the reference: <c>true</c> = blocked / padding. Every tensor lives on
/// <see cref="Device"/> in <see cref="ComputeType"/>; the network never sees plain arrays except through <see cref="ModalityState"/>.
/// </summary>
public interface IGenerationNetwork
{
    Device Device { get; }
    ScalarType ComputeType { get; }
    int Dim { get; }

    /// <summary>Whether the model has an encoder embedding for the modality (modalities without one are skipped, as in the reference).</summary>
    bool HasEncoderInput(string modality);

    /// <summary>Whether the model can decode the modality (has a decoder embedding and logits head).</summary>
    bool HasDecoderOutput(string modality);

    /// <summary>
    /// The encoder embedding of one modality for several samples whose states have the same length: content <c>x</c> and
    /// position+modality <c>emb</c>, each (B, N, D), for every position. Sequence position ids come from each state's input
    /// mask, as in the reference.
    /// </summary>
    (Tensor Content, Tensor Embedding) EmbedEncoderInputs(IReadOnlyList<ModalityState> states);

    /// <summary>Encoder blocks and final norm on (B, N, D) with a (B, N) padding mask (null: no padding).</summary>
    Tensor Encode(Tensor tokens, Tensor? paddingMask);

    /// <summary>
    /// Whether the encoder runs on packed tokens (<see cref="EncodePacked"/>) instead of padded rows: less GEMM work for rows of
    /// different lengths, the same function up to rounding.
    /// </summary>
    bool PacksEncoderTokens { get; }

    /// <summary>Encoder blocks and final norm on packed tokens (T, D): the valid tokens of the packing's rows, row after row.</summary>
    Tensor EncodePacked(Tensor tokens, FourM.Model.Modules.TokenPacking packing);

    /// <summary>Decoder context: <c>decoder_proj_context(encoded) + emb</c>.</summary>
    Tensor ProjectContext(Tensor encoded, Tensor embedding);

    /// <summary>The decoder's position+modality embedding of every position of the target (N, D); sequences number target positions.</summary>
    Tensor DecoderPositionEmbedding(ModalityState target);

    /// <summary>
    /// <see cref="DecoderPositionEmbedding"/> for <paramref name="batch"/> targets of one modality and length at once: tokens and
    /// target masks are (batch·N) row-major; returns (batch, N, D).
    /// </summary>
    Tensor DecoderPositionEmbeddings(string modality, long[] tokens, bool[] targetMasks, int batch);

    /// <summary>The learned mask token (D) fed as decoder input for image targets.</summary>
    Tensor MaskToken { get; }

    /// <summary>Decoder token embedding of a sequence target (autoregression: ids come from the model's own head, so they are not range-checked).</summary>
    Tensor DecoderTokenEmbedding(string target, Tensor ids);

    /// <summary>
    /// Decoder blocks and final norm. <paramref name="contextPaddingMask"/> is (B, M) or null when no context is padded;
    /// <paramref name="selfAttentionMask"/> is (B, N, N) with true = blocked, or null for full attention.
    /// </summary>
    Tensor Decode(Tensor queries, Tensor context, Tensor? contextPaddingMask, Tensor? selfAttentionMask);

    /// <summary>
    /// Whether <see cref="EncodePadded"/> replays captured passes (one launch each), which makes an extra pass cheap next to
    /// padding: <see cref="StepRunnerOptions.DefaultPassCostTokens"/> then splits rows of different lengths sooner.
    /// </summary>
    bool ReplaysEncoderPasses => false;

    /// <summary>The encoder on padded rows (R, N, D), row r with <paramref name="lengths"/>[r] real tokens (the rest blocked).</summary>
    Tensor EncodePadded(Tensor tokens, long[] lengths) => Encode(tokens, Batching.EncoderPass.PaddingMask(lengths, tokens.shape[1], Device));

    /// <summary>
    /// The decoder over padded problems: y (R,Q,D) against context (R,C,D), row r with <paramref name="queryLengths"/>[r] real
    /// queries and <paramref name="contextLengths"/>[r] real context slots; padded slots are blocked as keys. (R,Q,D).
    /// </summary>
    Tensor DecodePadded(Tensor queries, Tensor context, long[] queryLengths, long[] contextLengths) =>
        Steps.DecoderRows.DecodeMasked(this, queries, context, queryLengths, contextLengths);

    /// <summary>The target's logits head on decoder outputs (…, D) → (…, V).</summary>
    Tensor Logits(string target, Tensor decoded);

    /// <summary>
    /// An incremental (KV-cached) causal decoder over fixed contexts for at most <paramref name="maxLength"/> positions, or null
    /// when the model has none (callers then re-run the decoder on the whole prefix, like the reference).
    /// </summary>
    IIncrementalDecoder? StartIncrementalDecoder(Tensor context, Tensor? contextPaddingMask, int maxLength, AutoregressiveDecoding decoding);
}
