using System.Text.Json;
using System.Text.RegularExpressions;
using FourM.Model.Checkpoints;

namespace FourM.Conformance.Checks;

/// <summary>
/// A tokenizer golden case: weights <c>&lt;name&gt;.safetensors</c> (config in its metadata) and reference inputs/outputs
/// <c>&lt;name&gt;_io.safetensors</c>. Found by layout, not by name, so any folder with such pairs is checked.
/// </summary>
public sealed record ImageTokenizerGoldenPair(string WeightsFile, string IoFile, bool IsDiffusion)
{
    public static IReadOnlyList<ImageTokenizerGoldenPair> Find(string goldenDir)
    {
        var pairs = new List<ImageTokenizerGoldenPair>();
        foreach (var io in Directory.EnumerateFiles(goldenDir, "*_io.safetensors").Order(StringComparer.Ordinal))
        {
            var weights = io[..^"_io.safetensors".Length] + ".safetensors";
            if (!File.Exists(weights)) continue;
            bool isTokenizer, isDiffusion;
            try
            {
                using var file = SafetensorsFile.Open(weights);
                isTokenizer = file.Names.Any(n => n.StartsWith("quantize.", StringComparison.Ordinal));
                isDiffusion = file.Contains("decoder.time_embed.0.weight");
            }
            catch (Exception ex) when (ex is IOException or SafetensorsFormatException)
            {
                continue;
            }
            if (isTokenizer) pairs.Add(new ImageTokenizerGoldenPair(weights, io, isDiffusion));
        }
        return pairs;
    }

    public string IoName => Path.GetFileName(IoFile);

    /// <summary>
    /// The generator seeds of a DiVAE case. README.json (<c>files → &lt;io&gt; → description</c>) states them as
    /// <c>manual_seed(N)</c> for <c>decoded</c> and <c>manual_seed(seed+K)</c> for <c>decoded_custom_tokens</c>.
    /// </summary>
    public (long Decoded, long Custom)? Seeds(string goldenDir)
    {
        var readme = Path.Combine(goldenDir, "README.json");
        if (!File.Exists(readme)) return null;
        using var document = JsonDocument.Parse(File.ReadAllBytes(readme));
        if (!document.RootElement.TryGetProperty("files", out var files)
            || !files.TryGetProperty(IoName, out var entry)
            || !entry.TryGetProperty("description", out var description)) return null;
        var text = description.GetString() ?? "";
        var seed = Regex.Match(text, @"manual_seed\((\d+)\)");
        if (!seed.Success) return null;
        var value = long.Parse(seed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var offset = Regex.Match(text, @"manual_seed\(seed\s*\+\s*(\d+)\)");
        var custom = offset.Success ? value + long.Parse(offset.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : value + 1;
        return (value, custom);
    }
}
