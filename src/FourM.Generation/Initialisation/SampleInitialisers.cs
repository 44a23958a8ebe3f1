using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Sequences;
using FourM.Model.Embeddings;

namespace FourM.Generation.Initialisation;

/// <summary>
/// Builds modality states the way the reference's <c>init_empty_target_modality</c>, <c>init_full_input_modality</c>,
/// <c>custom_text</c> and the guidance helpers <c>empty_*_modality</c> do, on plain arrays.
/// </summary>
public static class SampleInitialisers
{
    /// <summary>
    /// An empty target. Image: every token predicted. Sequence (at least 2 slots): <c>[S_1] [S_1] 0 … 0 [S_2]</c> with only the
    /// first token as input, so decoding starts from <c>[S_1]</c> and stops at <c>[S_2]</c>.
    /// </summary>
    public static ModalityState EmptyTarget(ModalityDescriptor modality, int tokens)
    {
        switch (modality.Kind)
        {
            case ModalityKind.Image:
                if (modality.IsPixels) throw new GenerationPlanException($"'{modality.Name}' holds pixels and cannot be a generation target");
                return new ModalityState
                {
                    Modality = modality.Name,
                    Tokens = new long[tokens],
                    InputMask = Filled(tokens, true),
                    TargetMask = new bool[tokens],
                };
            case ModalityKind.Sequence:
                return EmptySequence(modality.Name, Math.Max(tokens, 2));
            default:
                throw new GenerationPlanException($"'{modality.Name}' ({modality.Kind}) cannot be a generation target");
        }
    }

    /// <summary>
    /// A fully visible condition. Image tokens: all input. Sequence: input up to and including the first <c>[EOS]</c>; without
    /// one, the first token is overwritten with <c>[EOS]</c> and is the only input (the reference's behaviour).
    /// </summary>
    public static ModalityState FullInput(ModalityDescriptor modality, long[] tokens)
    {
        var n = tokens.Length;
        if (n == 0) throw new GenerationPlanException($"input '{modality.Name}' has no tokens");
        CheckVocabulary(modality, tokens);
        switch (modality.Kind)
        {
            case ModalityKind.Image:
                // Caught here rather than by the model's embedding at the first step, so a served request fails before admission.
                if (n != modality.MaxTokens)
                    throw new GenerationPlanException($"input '{modality.Name}' needs {modality.MaxTokens} tokens (its full grid), got {n} (to in-paint part of a grid, give all its tokens and mark the positions to generate)");
                return new ModalityState { Modality = modality.Name, Tokens = (long[])tokens.Clone(), InputMask = new bool[n], TargetMask = Filled(n, true), DecoderAttentionMask = new int[n] };
            case ModalityKind.Sequence:
                var copy = (long[])tokens.Clone();
                int eos = Array.IndexOf(copy, SpecialTokens.Eos);
                if (eos < 0) { copy[0] = SpecialTokens.Eos; eos = 0; }
                var input = new bool[n];
                for (int i = eos + 1; i < n; i++) input[i] = true;
                return new ModalityState { Modality = modality.Name, Tokens = copy, InputMask = input, TargetMask = Filled(n, true), DecoderAttentionMask = new int[n] };
            default:
                throw new GenerationPlanException($"'{modality.Name}' ({modality.Kind}) inputs need their embeddings and valid mask, which token inputs cannot carry");
        }
    }

    /// <summary>Pixels (C,H,W) of an <c>rgb@*</c> input: every patch is input.</summary>
    public static ModalityState Pixels(ModalityDescriptor modality, float[] pixels, int[] shape, int patchSize = 16)
    {
        if (!modality.IsPixels) throw new GenerationPlanException($"'{modality.Name}' does not take pixels");
        if (shape.Length != 3 || shape[0] * shape[1] * shape[2] != pixels.Length)
            throw new GenerationPlanException($"pixels for '{modality.Name}' must be (C,H,W) with C·H·W values, got shape [{string.Join(',', shape)}] and {pixels.Length} values");
        int patches = shape[1] / patchSize * (shape[2] / patchSize);
        if (patches != modality.MaxTokens)
            throw new GenerationPlanException($"pixels for '{modality.Name}' must be {Math.Sqrt(modality.MaxTokens) * patchSize} px square, got {shape[1]}×{shape[2]}");
        return new ModalityState { Modality = modality.Name, Tokens = [], InputMask = new bool[patches], TargetMask = Filled(patches, true), DecoderAttentionMask = new int[patches], Pixels = pixels, PixelShape = shape };
    }

    /// <summary>
    /// In-painting: the given tokens are input except where <paramref name="holes"/> is true; the holes are the target.
    /// </summary>
    public static ModalityState Inpainting(ModalityDescriptor modality, long[] tokens, bool[] holes)
    {
        if (modality.Kind != ModalityKind.Image || modality.IsPixels) throw new GenerationPlanException($"in-painting needs an image-token modality; '{modality.Name}' is not one");
        if (tokens.Length != modality.MaxTokens || holes.Length != tokens.Length)
            throw new GenerationPlanException($"in-painting '{modality.Name}' needs {modality.MaxTokens} tokens and as many hole flags, got {tokens.Length} and {holes.Length}");
        if (!holes.Contains(true)) throw new GenerationPlanException($"in-painting '{modality.Name}': no holes to fill");
        CheckVocabulary(modality, tokens);
        return new ModalityState { Modality = modality.Name, Tokens = (long[])tokens.Clone(), InputMask = (bool[])holes.Clone(), TargetMask = holes.Select(h => !h).ToArray() };
    }

    /// <summary>
    /// The reference's <c>custom_text</c>: the encoded text is the input (no <c>[EOS]</c> appended: end the text with <c>[EOS]</c>
    /// for a complete caption, or with <c>[S_1]</c> to let the model continue it), followed by a masked
    /// <c>[S_1] [PAD]… eos</c> block of <paramref name="targetMaxLength"/> tokens.
    /// </summary>
    public static ModalityState CustomText(string modality, string text, ITextEncoder encoder, int targetMaxLength = 50,
        string eosToken = "[EOS]", string startToken = "[S_1]")
    {
        if (targetMaxLength < 2) throw new GenerationPlanException($"text target block must hold at least 2 tokens, got {targetMaxLength}");
        var input = encoder.Encode(text);
        var targetText = string.Join(' ', new[] { startToken }.Concat(Enumerable.Repeat("[PAD]", targetMaxLength - 2)).Append(eosToken));
        var target = encoder.Encode(targetText);
        var tokens = input.Concat(target).Select(x => (long)x).ToArray();
        var inputMask = Enumerable.Repeat(false, input.Count).Concat(Enumerable.Repeat(true, target.Count)).ToArray();
        return new ModalityState
        {
            Modality = modality,
            Tokens = tokens,
            InputMask = inputMask,
            TargetMask = inputMask.Select(m => !m).ToArray(),
            DecoderAttentionMask = new int[tokens.Length],
        };
    }

    /// <summary>The unconditional version of a guidance condition (the reference's <c>empty_img/seq/seq_emb_modality</c>).</summary>
    public static ModalityState Unconditioned(ModalityState state, ModalityKind kind)
    {
        int n = state.InputMask.Length;
        switch (kind)
        {
            case ModalityKind.Sequence:
                return EmptySequence(state.Modality, n);
            case ModalityKind.SequenceEmbedding:
                var valid = Filled(n, true);
                valid[0] = false;
                return new ModalityState { Modality = state.Modality, Tokens = new long[state.Tokens.Length], InputMask = valid, TargetMask = Filled(n, true), DecoderAttentionMask = new int[n], Pixels = state.Pixels is null ? null : new float[state.Pixels.Length], PixelShape = state.PixelShape };
            default:
                // Only the input mask matters for a condition; the reference also clears target_mask (harmless, see docs).
                return new ModalityState { Modality = state.Modality, Tokens = state.Tokens, InputMask = Filled(n, true), TargetMask = new bool[state.TargetMask.Length], DecoderAttentionMask = state.DecoderAttentionMask, Pixels = state.Pixels, PixelShape = state.PixelShape };
        }
    }

    private static ModalityState EmptySequence(string modality, int n)
    {
        if (n < 2) throw new GenerationPlanException($"sequence '{modality}' needs at least 2 slots to be emptied, has {n}");
        var tokens = new long[n];
        tokens[0] = SpecialTokens.FirstSentinel;
        tokens[1] = SpecialTokens.FirstSentinel;
        tokens[^1] = SpecialTokens.SecondSentinel;
        var input = Filled(n, true);
        input[0] = false;
        var attention = Filled(n, 1);
        attention[0] = 0;
        return new ModalityState { Modality = modality, Tokens = tokens, InputMask = input, TargetMask = input.Select(m => !m).ToArray(), DecoderAttentionMask = attention };
    }

    private static T[] Filled<T>(int n, T value) => Enumerable.Repeat(value, n).ToArray();

    /// <summary>Token ids within the modality's vocabulary, when the catalog knows it (the model checks again at its embedding).</summary>
    private static void CheckVocabulary(ModalityDescriptor modality, long[] tokens)
    {
        if (modality.VocabSize is { } vocab && HostInputChecks.OutOfVocabulary(tokens, vocab) is var (min, max))
            throw new GenerationPlanException($"input '{modality.Name}': {HostInputChecks.VocabularyRule(vocab, min, max)}");
    }
}
