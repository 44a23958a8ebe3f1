using System.Text.Json;
using FourM.Client.Contracts;

namespace FourM.Cli.Commands;

/// <summary>Saves each output of a session: <c>{modality}.json</c> (tokens, text), <c>.txt</c> (text) and <c>.png</c> where rendered.</summary>
public static class SessionOutputWriter
{
    public static async Task SaveAsync(IServingConnection connection, string sessionId, string directory, CancellationToken cancellationToken)
    {
        var result = await connection.ResultAsync(sessionId, cancellationToken);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "status.json"), JsonSerializer.Serialize(result.Status, Indented), cancellationToken);
        foreach (var output in result.Outputs)
        {
            var stem = Path.Combine(directory, FileStem(output.Modality));
            await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(output, Indented), cancellationToken);
            var saved = new List<string> { stem + ".json" };
            if (output.Text is { } text)
            {
                await File.WriteAllTextAsync(stem + ".txt", text + Environment.NewLine, cancellationToken);
                saved.Add(stem + ".txt");
            }
            if (MayRender(output) && await connection.PngAsync(sessionId, output.Modality, cancellationToken) is { } png)
            {
                await File.WriteAllBytesAsync(stem + ".png", png, cancellationToken);
                saved.Add(stem + ".png");
            }
            Console.WriteLine($"  {output.Modality}: {output.Tokens.Length} tokens -> {string.Join(", ", saved)}");
        }
    }

    /// <summary>
    /// Rendered by the client's own renderer, or possibly by the silos (a finished image modality; they answer "not
    /// available" when no tokenizer is configured for it).
    /// </summary>
    private static bool MayRender(SessionOutput output) =>
        output.PngAvailable || (output.Modality.StartsWith("tok_", StringComparison.Ordinal) && !output.InputMask.Any(masked => masked));

    /// <summary><c>tok_rgb@224</c> → <c>tok_rgb_224</c> (no characters that upset shells or file systems).</summary>
    public static string FileStem(string modality) => string.Concat(modality.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_'));

    private static readonly JsonSerializerOptions Indented = new(FourMJson.Options) { WriteIndented = true };
}
