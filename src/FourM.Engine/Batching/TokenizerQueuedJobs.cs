using FourM.Engine.Engine;
using FourM.ImageTokenizers.Imaging;

namespace FourM.Engine.Batching;

/// <summary>
/// A prepared image to tokenize with one image tokenizer (<see cref="JobScheduling.ModelId"/> names the tokenizer);
/// jobs of one tokenizer share a <c>TokenizeBatch</c> call. The result is the row-major token grid.
/// </summary>
public sealed class TokenizeQueuedJob(TokenizerInput input, JobScheduling scheduling)
    : QueuedJob<(long[] Tokens, JobTiming Timing)>(scheduling, rows: 1, tokens: input.Height * input.Width)
{
    public TokenizerInput Input { get; } = input;
    public override WorkKind Kind => WorkKind.Tokenize;
}

/// <summary>
/// A token grid to decode with one image tokenizer; jobs of one tokenizer and one step count share a
/// <c>DetokenizeBatch</c> call. The seed makes a diffusion decode reproducible and independent of its batch mates.
/// </summary>
public sealed class DetokenizeQueuedJob(long[] tokenGrid, int steps, long seed, JobScheduling scheduling)
    : QueuedJob<(DecodedMap Map, JobTiming Timing)>(scheduling, rows: 1, tokens: tokenGrid.Length)
{
    public long[] TokenGrid { get; } = tokenGrid;
    public int Steps { get; } = steps;
    public long Seed { get; } = seed;
    public override WorkKind Kind => WorkKind.Detokenize;
}
