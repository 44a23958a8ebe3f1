using System.Text.Json;
using FourM.ImageTokenizers;
using FourM.ImageTokenizers.Checkpoints;
using FourM.ImageTokenizers.Imaging;
using FourM.ImageTokenizers.Runtime;

namespace FourM.Cli.Commands;

/// <summary>
/// <c>fourm tokenize image &lt;tokenizer&gt; &lt;image&gt;</c>: an image file → its token grid as JSON. (Bare
/// <c>fourm tokenize &lt;text&gt;</c> is the text tokenizer's command.)
/// </summary>
public sealed class TokenizeImageCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["tokenize", "image"];
    public string Usage => "tokenize image <tokenizer-dir-or-file> <image> [--modality M] [--size 224] [--out tokens.json] [--device cpu|cuda] [--dtype fp32|bf16]";
    public string Summary => "encode a PNG/JPEG/WebP image into 4M tokens with an image tokenizer";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        if (cl.Positional.Count != 2) throw new UsageException("expected a tokenizer and an image");
        var (tokenizerPath, imagePath) = (cl.Positional[0], cl.Positional[1]);
        if (!File.Exists(imagePath)) throw new UsageException($"image not found: {imagePath}");
        var (device, dtype) = ImageCommandOptions.Target(cl);
        try
        {
            using var runner = new ImageTokenizerRunner(ImageTokenizer.Load(tokenizerPath, device, dtype), ImageCommandOptions.Size(cl));
            var modality = ImageCommandOptions.Modality(cl, runner.Tokenizer, tokenizerPath);
            var input = new ImagePreparation().ForTokenizer(File.ReadAllBytes(imagePath), modality, runner.ImageSize);
            var tokens = runner.TokenizeBatch([input])[0];
            var (height, width) = runner.TokenGrid;
            var json = JsonSerializer.Serialize(new TokenFile(runner.Name, modality.ToString().ToLowerInvariant(), [height, width], tokens));
            if (cl.Get("out") is { } output) File.WriteAllText(output, json);
            else Console.WriteLine(json);
            return Task.FromResult(0);
        }
        catch (Exception ex) when (ex is ImageDecodeException or TokenizerLoadException or ArgumentException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Task.FromResult(1);
        }
    }
}

/// <summary>The token file <c>tokenize image</c> writes and <c>detokenize</c> reads.</summary>
public sealed record TokenFile(string Tokenizer, string Modality, int[] Grid, long[] Tokens);
