using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Engine.Metrics;
using FourM.ImageTokenizers.Imaging;
using FourM.Serving.Tests.Fakes;
using Xunit;

namespace FourM.Serving.Tests.Engine;

/// <summary>Image tokenizer jobs on the device engine: batched per tokenizer, cancellable, failing one by one.</summary>
public sealed class TokenizerWorkTests
{
    private const string Tokenizer = "tok_semseg@4";
    private static JobScheduling For(string session, string tokenizer = Tokenizer) => new(session, tokenizer, 0, null);

    private static TokenizerInput ClassMap(int offset) => TokenizerInput.FromClassMap(4, 4, Enumerable.Range(0, 16).Select(i => (long)(i + offset)).ToArray());

    private static DeviceEngine Engine(FakeImageTokenizer tokenizer, ServingMetrics metrics, TimeSpan queueDelay) =>
        new("cpu:0", new FakeRunnerFactory(), new EngineOptions { MaxQueueDelay = queueDelay }, metrics, tokenizer);

    [Fact]
    public async Task Requests_of_two_sessions_within_the_queue_delay_share_one_batch_and_keep_their_own_results()
    {
        var tokenizer = new FakeImageTokenizer();
        using var metrics = new ServingMetrics();
        using var engine = Engine(tokenizer, metrics, TimeSpan.FromSeconds(2));

        var first = engine.SubmitDetokenize([1, 2, 3, 4], steps: 25, seed: 10, For("a"), CancellationToken.None);
        var second = engine.SubmitDetokenize([5, 6, 7, 8], steps: 25, seed: 20, For("b"), CancellationToken.None);
        var tokens = engine.SubmitTokenize(ClassMap(0), For("c"), CancellationToken.None);

        var (firstMap, _) = await first;
        var (secondMap, secondTiming) = await second;
        var (grid, _) = await tokens;
        Assert.Equal(new[] { 11f, 12, 13, 14 }, firstMap.Values);
        Assert.Equal(new[] { 25f, 26, 27, 28 }, secondMap.Values);
        Assert.Equal(2, secondTiming.BatchRows);
        // Patch sums of the class map 0..15 (row-major 4×4): {0,1,4,5}, {2,3,6,7}, {8,9,12,13}, {10,11,14,15}.
        Assert.Equal(new[] { 10L, 18, 42, 50 }, grid);
        Assert.Equal([("detokenize", 2), ("tokenize", 1)], tokenizer.Batches.OrderBy(b => b.Call).ToList());
    }

    [Fact]
    public async Task Different_step_counts_in_one_batch_run_as_separate_decodes()
    {
        var tokenizer = new FakeImageTokenizer();
        using var metrics = new ServingMetrics();
        using var engine = Engine(tokenizer, metrics, TimeSpan.FromSeconds(2));

        await Task.WhenAll(
            engine.SubmitDetokenize([1, 1, 1, 1], steps: 10, seed: 0, For("a"), CancellationToken.None),
            engine.SubmitDetokenize([2, 2, 2, 2], steps: 25, seed: 0, For("b"), CancellationToken.None),
            engine.SubmitDetokenize([3, 3, 3, 3], steps: 10, seed: 0, For("c"), CancellationToken.None));

        Assert.Equal([("detokenize", 1), ("detokenize", 2)], tokenizer.Batches.OrderBy(b => b.Size).ToList());
    }

    [Fact]
    public async Task A_cancelled_queued_request_never_reaches_the_tokenizer()
    {
        var tokenizer = new FakeImageTokenizer();
        tokenizer.Hold.Reset();
        using var metrics = new ServingMetrics();
        using var engine = Engine(tokenizer, metrics, TimeSpan.Zero);

        var running = engine.SubmitDetokenize([1, 1, 1, 1], 25, 0, For("a"), CancellationToken.None);
        while (Volatile.Read(ref tokenizer.Entered) == 0) await Task.Delay(5);
        using var cancellation = new CancellationTokenSource();
        var queued = engine.SubmitDetokenize([2, 2, 2, 2], 25, 0, For("b"), cancellation.Token);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(0, engine.Snapshot().QueuedJobs);
        tokenizer.Hold.Set();
        await running;
        Assert.Equal([("detokenize", 1)], tokenizer.Batches);
    }

    [Fact]
    public async Task A_wrong_size_input_or_unknown_tokenizer_fails_only_its_own_job()
    {
        var tokenizer = new FakeImageTokenizer();
        using var metrics = new ServingMetrics();
        using var engine = Engine(tokenizer, metrics, TimeSpan.FromSeconds(1));

        var good = engine.SubmitTokenize(ClassMap(1), For("a"), CancellationToken.None);
        var wrongSize = engine.SubmitTokenize(TokenizerInput.FromClassMap(2, 2, [1, 2, 3, 4]), For("b"), CancellationToken.None);
        var unknown = engine.SubmitDetokenize([1, 1, 1, 1], 25, 0, For("c", "tok_rgb@224"), CancellationToken.None);

        Assert.Equal(4, (await good).Tokens.Length);
        var sizeError = await Assert.ThrowsAsync<ArgumentException>(() => wrongSize);
        Assert.Contains("expects 4×4 inputs, got 2×2", sizeError.Message);
        var unknownError = await Assert.ThrowsAsync<InvalidOperationException>(() => unknown);
        Assert.Contains("no image tokenizer is configured for 'tok_rgb@224'", unknownError.Message);
    }
}
