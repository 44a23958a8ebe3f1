using FourM.Model.Assembly;
using static TorchSharp.torch;

namespace FourM.Model;

/// <summary>Every intermediate of the reference's training forward, in its order (see the golden README).</summary>
public sealed class TrainingForwardResult : IDisposable
{
    public required EncoderTokens Encoder { get; init; }
    public required Tensor EncoderOutput { get; init; }
    public required Tensor Context { get; init; }
    public required DecoderTokens Decoder { get; init; }
    public required Tensor DecoderOutput { get; init; }

    /// <summary>Per target modality: logits (rows batch-major, then token order) and aligned target ids.</summary>
    public required IReadOnlyDictionary<string, Tensor> Logits { get; init; }
    public required IReadOnlyDictionary<string, Tensor> TargetIds { get; init; }

    /// <summary>Mean cross-entropy per modality, shape (1); 0 for a modality without targets.</summary>
    public required IReadOnlyDictionary<string, Tensor> ModalityLoss { get; init; }

    /// <summary>Loss type 'mod': mean over modalities (empty ones count in the denominator).</summary>
    public required Tensor Loss { get; init; }

    /// <summary>Loss type 'token': per-modality losses weighted by logit element counts, as the reference does.</summary>
    public required Tensor TokenLoss { get; init; }

    public void Dispose()
    {
        Encoder.Dispose();
        EncoderOutput.Dispose();
        Context.Dispose();
        Decoder.Dispose();
        DecoderOutput.Dispose();
        foreach (var t in Logits.Values.Concat(TargetIds.Values).Concat(ModalityLoss.Values)) t.Dispose();
        Loss.Dispose();
        TokenLoss.Dispose();
    }
}
