namespace FourM.Tokenizers.Text.Codecs;

/// <summary>A token string that does not follow a 4M sequence format; the message names the modality, word and expectation.</summary>
public sealed class SequenceFormatException(string modality, string message)
    : FormatException($"{modality}: {message}")
{
    public string Modality { get; } = modality;
}
