using System.Globalization;
using FourM.Engine.Runners;
using FourM.Grains.Hosting;
using FourM.Grains.Registry;
using FourM.ImageTokenizers.Runtime;

namespace FourM.Grains.Imaging;

/// <summary>
/// The image tokenizers a silo serves (<see cref="FourMServingOptions.Tokenizers"/>: modality → checkpoint path), and
/// the factory that loads one onto a device engine. The input size comes from the modality name (<c>tok_rgb@224</c>).
/// </summary>
public sealed class ImageTokenizerCatalog(FourMServingOptions options) : ITokenizerRunnerFactory
{
    public IReadOnlyCollection<string> Modalities => options.Tokenizers.Keys;

    public bool Has(string modality) => options.Tokenizers.ContainsKey(modality);

    /// <summary>Side of the square image the modality's tokenizer takes; throws when no tokenizer is configured.</summary>
    public int ImageSizeOf(string modality)
    {
        if (!Has(modality))
            throw new InvalidOperationException($"no image tokenizer is configured for '{modality}' (configured: {string.Join(", ", Modalities.DefaultIfEmpty("none"))})");
        return SizeFromName(modality);
    }

    public IImageTokenizerRunner Create(string modality, string device)
    {
        var path = options.Tokenizers.TryGetValue(modality, out var p) ? p
            : throw new InvalidOperationException($"no image tokenizer is configured for '{modality}'");
        return ImageTokenizerRunner.Load(path, TorchDevices.Parse(device), TorchTargets.ParseDType(options.TokenizerDType), SizeFromName(modality));
    }

    private static int SizeFromName(string modality)
    {
        var at = modality.LastIndexOf('@');
        return at > 0 && int.TryParse(modality[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : throw new ArgumentException($"image modality '{modality}' must name its size (e.g. tok_rgb@224)");
    }
}
