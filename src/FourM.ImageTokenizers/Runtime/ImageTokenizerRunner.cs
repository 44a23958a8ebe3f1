using FourM.ImageTokenizers.Diffusion;
using FourM.ImageTokenizers.Imaging;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Runtime;

/// <summary><see cref="IImageTokenizerRunner"/> over a loaded <see cref="ImageTokenizer"/>.</summary>
public sealed class ImageTokenizerRunner : IImageTokenizerRunner
{
    private readonly ImageTokenizer _tokenizer;

    /// <param name="imageSize">
    /// Working resolution; defaults to the checkpoint's <c>image_size</c>. Tokenizers trained for 224 and 448 say 448, so
    /// 4M's <c>tok_*@224</c> modalities pass 224 here.
    /// </param>
    public ImageTokenizerRunner(ImageTokenizer tokenizer, int? imageSize = null)
    {
        _tokenizer = tokenizer;
        ImageSize = imageSize ?? tokenizer.ImageSize;
        if (ImageSize <= 0 || ImageSize % tokenizer.EncoderPatchSize != 0)
            throw new ArgumentException($"{tokenizer.Name}: image size {ImageSize} is not a positive multiple of the patch size {tokenizer.EncoderPatchSize}");
    }

    /// <summary>Loads a tokenizer checkpoint (file or Hugging Face folder) onto a device.</summary>
    public static ImageTokenizerRunner Load(string path, Device? device = null, ScalarType dtype = ScalarType.Float32, int? imageSize = null) =>
        new(ImageTokenizer.Load(path, device, dtype), imageSize);

    public string Name => _tokenizer.Name;
    public int ImageSize { get; }
    public (int Height, int Width) TokenGrid => _tokenizer.TokenGrid(ImageSize, ImageSize);
    public long VocabularySize => _tokenizer.VocabularySize;
    public bool IsDiffusion => _tokenizer.Kind == TokenizerKind.DiVae;

    /// <summary>The tokenizer this runner drives (for callers that work with tensors directly).</summary>
    public ImageTokenizer Tokenizer => _tokenizer;

    public IReadOnlyList<long[]> TokenizeBatch(IReadOnlyList<TokenizerInput> inputs)
    {
        if (inputs.Count == 0) return [];
        var first = inputs[0];
        if (inputs.Any(i => i.Height != first.Height || i.Width != first.Width || i.Channels != first.Channels))
            throw new ArgumentException("all inputs of a batch must have the same size and channel count");
        using var scope = NewDisposeScope();
        Tensor batch;
        if (_tokenizer.TakesClassMap)
        {
            var classes = inputs.SelectMany(i => i.ClassMap ?? throw new ArgumentException($"{Name} takes class maps, an input has pixels")).ToArray();
            batch = tensor(classes, [inputs.Count, first.Height, first.Width]);
        }
        else
        {
            if (first.Channels != _tokenizer.InputChannels)
                throw new ArgumentException($"{Name} takes {_tokenizer.InputChannels}-channel images, got {first.Channels}");
            var pixels = inputs.SelectMany(i => i.Pixels ?? throw new ArgumentException($"{Name} takes pixels, an input has a class map")).ToArray();
            batch = tensor(pixels, [inputs.Count, first.Channels, first.Height, first.Width]);
        }
        var tokens = _tokenizer.Tokenize(batch).cpu();
        var perImage = tokens.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var flat = tokens.data<long>().ToArray();
        return Enumerable.Range(0, inputs.Count).Select(i => flat.AsSpan((int)(i * perImage), (int)perImage).ToArray()).ToList();
    }

    public IReadOnlyList<DecodedMap> DetokenizeBatch(IReadOnlyList<long[]> tokenGrids, int steps, IReadOnlyList<long> seeds)
    {
        if (tokenGrids.Count == 0) return [];
        if (seeds.Count != tokenGrids.Count) throw new ArgumentException($"{seeds.Count} seeds for {tokenGrids.Count} token grids");
        var (gridHeight, gridWidth) = TokenGrid;
        if (tokenGrids.Any(g => g.Length != gridHeight * gridWidth))
            throw new ArgumentException($"{Name} decodes {gridHeight}×{gridWidth} = {gridHeight * gridWidth} tokens per image");
        using var scope = NewDisposeScope();
        var tokens = tensor(tokenGrids.SelectMany(g => g).ToArray(), [tokenGrids.Count, gridHeight, gridWidth]);
        var decoded = _tokenizer.Detokenize(tokens, steps, seeds, ImageSize).cpu().contiguous();
        var (channels, height, width) = ((int)decoded.shape[1], (int)decoded.shape[2], (int)decoded.shape[3]);
        var perImage = channels * height * width;
        var flat = decoded.data<float>().ToArray();
        return Enumerable.Range(0, tokenGrids.Count)
            .Select(i => new DecodedMap(channels, height, width, flat.AsSpan(i * perImage, perImage).ToArray()))
            .ToList();
    }

    public DiffusionDecodeJob BeginDetokenize(long[] tokenGrid, int steps, long seed)
    {
        var (gridHeight, gridWidth) = TokenGrid;
        if (tokenGrid.Length != gridHeight * gridWidth)
            throw new ArgumentException($"{Name} decodes {gridHeight}×{gridWidth} = {gridHeight * gridWidth} tokens per image");
        using var tokens = tensor(tokenGrid, [1, gridHeight, gridWidth]);
        return _tokenizer.StartDetokenize(tokens, steps, seed, ImageSize);
    }

    public void StepDetokenize(IReadOnlyList<DiffusionDecodeJob> jobs) => _tokenizer.StepDetokenize(jobs);

    public DecodedMap CompleteDetokenize(DiffusionDecodeJob job)
    {
        using var image = _tokenizer.FinishDetokenize(job);
        using var host = image.cpu();
        var (channels, height, width) = ((int)host.shape[1], (int)host.shape[2], (int)host.shape[3]);
        return new DecodedMap(channels, height, width, host.data<float>().ToArray());
    }

    public void Dispose() => _tokenizer.Dispose();
}
