using FourM.ImageTokenizers;
using FourM.ImageTokenizers.Imaging;
using FourM.ImageTokenizers.Runtime;
using static TorchSharp.torch;

namespace FourM.Cli.Commands;

/// <summary>Options shared by the image tokenizer commands: device, dtype and the modality of the tokenizer.</summary>
internal static class ImageCommandOptions
{
    public static (Device Device, ScalarType DType) Target(CommandLine cl)
    {
        try
        {
            return (TorchTargets.ParseDevice(cl.Get("device", "cpu")), TorchTargets.ParseDType(cl.Get("dtype", "fp32")));
        }
        catch (ArgumentException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    /// <summary>The working resolution (<c>--size</c>), or null for the checkpoint's own <c>image_size</c>.</summary>
    public static int? Size(CommandLine cl) => cl.Has("size") ? cl.GetInt("size", 0) : null;

    /// <summary>
    /// The modality: <c>--modality</c>, else from the tokenizer (a class-map input is semseg; a name containing depth,
    /// normal or edge says so; three channels default to RGB).
    /// </summary>
    public static ImageModality Modality(CommandLine cl, ImageTokenizer tokenizer, string path)
    {
        if (cl.Get("modality") is { } named)
        {
            try { return ImageModalities.FromName(named); }
            catch (ArgumentException ex) { throw new UsageException(ex.Message); }
        }
        if (tokenizer.TakesClassMap) return ImageModality.Semseg;
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path)).ToLowerInvariant();
        if (name.Contains("depth", StringComparison.Ordinal)) return ImageModality.Depth;
        if (name.Contains("normal", StringComparison.Ordinal)) return ImageModality.SurfaceNormal;
        if (name.Contains("edge", StringComparison.Ordinal)) return ImageModality.Edge;
        if (tokenizer.Config.ChannelCount == 3) return ImageModality.Rgb;
        throw new UsageException($"cannot tell the modality of {name}: pass --modality rgb|depth|normal|semseg|edge");
    }
}
