using FourM.Engine.Runners;
using FourM.ImageTokenizers.Diffusion;
using FourM.ImageTokenizers.Imaging;
using FourM.ImageTokenizers.Runtime;

namespace FourM.Serving.Tests.Fakes;

/// <summary>
/// A 2×2-grid tokenizer for 4×4 single-channel images without torch: a token is the sum of its 2×2 patch's class ids,
/// a decoded value is token + seed. Records every batch size; <see cref="Hold"/> keeps the device thread inside a call.
/// </summary>
public sealed class FakeImageTokenizer : IImageTokenizerRunner, ITokenizerRunnerFactory
{
    private readonly object _gate = new();
    public List<(string Call, int Size)> Batches { get; } = new();
    public ManualResetEventSlim Hold { get; } = new(initialState: true);
    public int Entered;

    public string Name => "fake";
    public int ImageSize => 4;
    public (int Height, int Width) TokenGrid => (2, 2);
    public long VocabularySize => 64;
    public bool IsDiffusion => false;
    public IReadOnlyCollection<string> Modalities => ["tok_semseg@4"];

    public IImageTokenizerRunner Create(string modality, string device) => modality == "tok_semseg@4" ? this
        : throw new InvalidOperationException($"no image tokenizer is configured for '{modality}'");

    public IReadOnlyList<long[]> TokenizeBatch(IReadOnlyList<TokenizerInput> inputs)
    {
        Enter("tokenize", inputs.Count);
        return inputs.Select(input => Enumerable.Range(0, 4).Select(t =>
        {
            var (row, column) = (t / 2 * 2, t % 2 * 2);
            return input.ClassMap![row * 4 + column] + input.ClassMap[row * 4 + column + 1] + input.ClassMap[(row + 1) * 4 + column] + input.ClassMap[(row + 1) * 4 + column + 1];
        }).ToArray()).ToList();
    }

    public IReadOnlyList<DecodedMap> DetokenizeBatch(IReadOnlyList<long[]> tokenGrids, int steps, IReadOnlyList<long> seeds)
    {
        Enter("detokenize", tokenGrids.Count);
        return tokenGrids.Select((grid, i) => new DecodedMap(1, 2, 2, grid.Select(t => (float)(t + seeds[i])).ToArray())).ToList();
    }

    private void Enter(string call, int size)
    {
        lock (_gate) Batches.Add((call, size));
        Interlocked.Increment(ref Entered);
        Hold.Wait(TimeSpan.FromMinutes(1));
    }

    public DiffusionDecodeJob BeginDetokenize(long[] tokenGrid, int steps, long seed) => throw new NotSupportedException("not a diffusion decoder");
    public void StepDetokenize(IReadOnlyList<DiffusionDecodeJob> jobs) => throw new NotSupportedException("not a diffusion decoder");
    public DecodedMap CompleteDetokenize(DiffusionDecodeJob job) => throw new NotSupportedException("not a diffusion decoder");

    public void Dispose() { }
}
