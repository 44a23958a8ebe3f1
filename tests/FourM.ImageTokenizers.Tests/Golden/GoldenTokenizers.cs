using FourM.Conformance.Checks;
using FourM.TestSupport;

namespace FourM.ImageTokenizers.Tests.Golden;

/// <summary>Paths and seeds of the tiny tokenizer goldens.</summary>
internal static class GoldenTokenizers
{
    public static string VqVae => Goldens.File("vqvae_tiny.safetensors");
    public static string VqVaeIo => Goldens.File("vqvae_tiny_io.safetensors");
    public static string DiVae => Goldens.File("divae_tiny.safetensors");
    public static string DiVaeIo => Goldens.File("divae_tiny_io.safetensors");

    /// <summary>The generator seeds for <c>decoded</c> and <c>decoded_custom_tokens</c>, as README.json states them.</summary>
    public static (long Decoded, long Custom) DiVaeSeeds =>
        new ImageTokenizerGoldenPair(DiVae, DiVaeIo, true).Seeds(Goldens.Directory!)
        ?? throw new InvalidOperationException("README.json does not state the DiVAE generator seeds");
}
