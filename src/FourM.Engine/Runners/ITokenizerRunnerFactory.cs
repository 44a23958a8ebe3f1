using FourM.ImageTokenizers.Runtime;

namespace FourM.Engine.Runners;

/// <summary>
/// Loads an image tokenizer (named by its modality, e.g. <c>tok_rgb@224</c>) onto a device. Called on the device's
/// engine thread, once per tokenizer and device, so tokenizer work shares the device thread with the model.
/// </summary>
public interface ITokenizerRunnerFactory
{
    /// <summary>Modalities a tokenizer is configured for.</summary>
    IReadOnlyCollection<string> Modalities { get; }

    IImageTokenizerRunner Create(string modality, string device);
}

/// <summary>No image tokenizers configured: every tokenizer request is refused by name.</summary>
public sealed class NoTokenizerRunners : ITokenizerRunnerFactory
{
    public static readonly NoTokenizerRunners Instance = new();

    public IReadOnlyCollection<string> Modalities => [];

    public IImageTokenizerRunner Create(string modality, string device) =>
        throw new InvalidOperationException($"no image tokenizer is configured for '{modality}'");
}
