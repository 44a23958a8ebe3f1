using FourM.Generation.Batching;
using FourM.Grains.Interfaces.Work;

namespace FourM.Grains.Mapping;

/// <summary>Converts the generation layer's samples to and from the plain records that travel in grain messages.</summary>
public static class TensorMapping
{
    public static SampleTensors ToTensors(SampleState state, bool includePixels = true) => new()
    {
        Modalities = state.Modalities.Select(m => new ModalityTensors
        {
            Modality = m.Modality,
            Tokens = m.Tokens,
            InputMask = m.InputMask,
            TargetMask = m.TargetMask,
            DecoderAttentionMask = m.DecoderAttentionMask,
            Pixels = includePixels ? m.Pixels : null,
            PixelShape = m.PixelShape,
        }).ToArray(),
    };

    /// <summary>A mutable copy (arrays cloned) so that the receiver may update it in place.</summary>
    public static SampleState ToState(SampleTensors tensors) => new()
    {
        Modalities = tensors.Modalities.Select(m => new ModalityState
        {
            Modality = m.Modality,
            Tokens = (long[])m.Tokens.Clone(),
            InputMask = (bool[])m.InputMask.Clone(),
            TargetMask = (bool[])m.TargetMask.Clone(),
            DecoderAttentionMask = (int[]?)m.DecoderAttentionMask?.Clone(),
            Pixels = m.Pixels,
            PixelShape = m.PixelShape,
        }).ToList(),
    };

    /// <summary>Puts back the pixels that step outcomes leave out (steps never change pixels).</summary>
    public static SampleTensors WithPixelsFrom(SampleTensors outcome, SampleTensors previous)
    {
        if (!previous.Modalities.Any(m => m.Pixels is not null)) return outcome;
        return new SampleTensors
        {
            Modalities = outcome.Modalities.Select(m =>
                m.Pixels is null && previous.Modalities.FirstOrDefault(p => p.Modality == m.Modality)?.Pixels is { } pixels
                    ? m with { Pixels = pixels }
                    : m).ToArray(),
        };
    }
}
