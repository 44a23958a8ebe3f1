using FourM.Generation.Batching;
using FourM.Generation.Initialisation;
using FourM.Generation.Modalities;
using FourM.Generation.Schedules;
using FourM.Generation.Sequences;

namespace FourM.Generation.Requests;

/// <summary>Turns a request's inputs and chain into the starting sample: inputs in the given order, then each empty target.</summary>
public sealed class RequestInitialiser(ModalityCatalog? catalog = null, ITextEncoder? textEncoder = null)
{
    private readonly ModalityCatalog _catalog = catalog ?? ModalityCatalog.Default;

    public SampleState Initialise(GenerationRequest request) =>
        request.InitialState?.Clone() ?? Initialise(request.Inputs, request.Chain);

    public SampleState Initialise(IReadOnlyList<GenerationInput> inputs, GenerationChain chain)
    {
        var state = new SampleState();
        foreach (var input in inputs)
        {
            if (state.Contains(input.Modality)) throw new GenerationPlanException($"input '{input.Modality}' is given twice");
            state.Modalities.Add(BuildInput(input));
        }
        foreach (var target in chain.Targets)
        {
            if (state.Contains(target.Domain))
            {
                var existing = state[target.Domain];
                if (!existing.TargetMask.Contains(false))
                    throw new GenerationPlanException($"target '{target.Domain}' is also a complete input; give it Holes to in-paint, or drop it from the chain");
                continue;
            }
            state.Modalities.Add(SampleInitialisers.EmptyTarget(_catalog[target.Domain], target.Tokens));
        }
        return state;
    }

    public ModalityState BuildInput(GenerationInput input)
    {
        var modality = _catalog[input.Modality];
        int given = (input.Text is null ? 0 : 1) + (input.Tokens is null ? 0 : 1) + (input.Pixels is null ? 0 : 1);
        if (given != 1) throw new GenerationPlanException($"input '{input.Modality}' must give exactly one of text, tokens or pixels");
        if (input.Text is { } text)
        {
            if (modality.Kind != ModalityKind.Sequence) throw new GenerationPlanException($"text given for '{input.Modality}', which is not a sequence modality");
            var encoder = textEncoder ?? throw new GenerationPlanException($"text input '{input.Modality}' needs a text tokenizer");
            return SampleInitialisers.CustomText(input.Modality, text, encoder, input.TextTargetLength);
        }
        if (input.Pixels is { } pixels)
            return SampleInitialisers.Pixels(modality, pixels, input.PixelShape ?? throw new GenerationPlanException($"pixels for '{input.Modality}' need PixelShape (C,H,W)"));
        if (input.Holes is { } holes) return SampleInitialisers.Inpainting(modality, input.Tokens!, holes);
        return SampleInitialisers.FullInput(modality, input.Tokens!);
    }
}
