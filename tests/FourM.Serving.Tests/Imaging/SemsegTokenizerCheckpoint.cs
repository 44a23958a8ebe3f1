using FourM.Model.Checkpoints;
using FourM.TestSupport;
using static TorchSharp.torch;

namespace FourM.Serving.Tests.Imaging;

/// <summary>
/// A small random segmentation VQ-VAE whose codebook matches the golden model's <c>tok_semseg@224</c> vocabulary (4096):
/// the tiny golden VQ-VAE's encoder and decoder (patch 16, so a 14×14 grid at 224) with a fresh random 4096-entry
/// codebook, so every token the model generates can be decoded.
/// </summary>
public static class SemsegTokenizerCheckpoint
{
    public const int Vocabulary = 4096;

    public static string Write(int seed)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fourm-serving-semseg-{Guid.NewGuid():N}.safetensors");
        using var source = SafetensorsFile.Open(Goldens.File("vqvae_tiny.safetensors"));
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, CPU);
        var writer = new SafetensorsWriter();
        foreach (var name in source.Names)
        {
            var tensor = name switch
            {
                "quantize._codebook.embed" => randn([Vocabulary, source.Entry(name).Shape[1]], ScalarType.Float32, CPU, generator: generator),
                "quantize._codebook.cluster_size" => ones(Vocabulary, ScalarType.Float32),
                _ => source.ReadTensor(name),
            };
            writer.Add(name, tensor);
        }
        foreach (var (key, value) in source.Metadata) writer.AddMetadata(key, key == "codebook_size" ? Vocabulary.ToString() : value);
        writer.Save(path);
        return path;
    }
}
