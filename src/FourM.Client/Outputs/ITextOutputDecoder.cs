namespace FourM.Client.Outputs;

/// <summary>Turns a text modality's token ids back into text (e.g. the 4M WordPiece tokenizer for <c>caption</c>).</summary>
public interface ITextOutputDecoder
{
    bool Handles(string modality);
    string Decode(IReadOnlyList<long> tokens);
}
