using System.Collections.Concurrent;
using System.Diagnostics;
using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Engine.Metrics;
using FourM.Engine.Runners;
using FourM.Generation;
using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Generation.Requests;
using FourM.Generation.Schedules;
using FourM.Model;
using FourM.Model.Configuration;
using FourM.Model.Modalities;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Serving.Tests.Engine;

/// <summary>
/// The engine decodes a sequence step across its batches (<see cref="EngineOptions.InterleaveSequenceDecodes"/>): another
/// session's image steps run while the caption decodes, and both get the tokens of running alone. A random tiny 4M-7 model on
/// the CPU.
/// </summary>
public sealed class SequenceDecodeEngineTests
{
    private static readonly Lazy<FourMModel> Model = new(() => FourMModel.CreateRandom(new FourMConfig
    {
        DomainsIn = ModalitySets.FourM7Inputs, DomainsOut = ModalitySets.FourM7Outputs, Dim = 32, EncoderDepth = 2, DecoderDepth = 2, NumHeads = 2,
    }, seed: 29, ScalarType.Float32, CPU));

    private static StepBatchRunner Runner() => new(new FourMModelNetwork(Model.Value));

    private static GenerationRequest Caption() => new()
    {
        RequestId = "caption",
        Inputs = [new() { Modality = "tok_depth@224", Tokens = Enumerable.Range(0, 196).Select(i => (long)(i * 7919 % 8192)).ToArray() }],
        Chain = new() { CondDomains = ["tok_depth@224"], Targets = [new() { Domain = "caption", Scheme = DecodingScheme.Autoregressive, Tokens = 24, Temperature = 0.7, CfgScale = 2.0 }] },
        Seed = 5,
    };

    private static GenerationRequest Image() => new()
    {
        RequestId = "image",
        Inputs = [new() { Modality = "tok_semseg@224", Tokens = Enumerable.Range(0, 196).Select(i => (long)(i * 104729 % 4096)).ToArray() }],
        Chain = new() { CondDomains = ["tok_semseg@224"], Targets = [new() { Domain = "tok_depth@224", Scheme = DecodingScheme.MaskGit, Tokens = 196, Steps = 6, CfgScale = 2.0 }] },
        Seed = 7,
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_caption_decodes_across_batches_while_image_steps_run_and_both_get_their_tokens_alone(bool interleave)
    {
        using var metrics = new ServingMetrics();
        var runner = Runner();
        using var engine = new DeviceEngine("cpu:0", new DelegateRunnerFactory((_, _) => runner),
            new EngineOptions { MaxQueueDelay = TimeSpan.Zero, InterleaveSequenceDecodes = interleave }, metrics);
        var captionJob = new GenerationSession(Caption()).NextJob();
        var imageJobs = new List<StepJob>();
        for (var reference = new GenerationSession(Image()); !reference.IsComplete;)
        {
            var job = reference.NextJob();
            imageJobs.Add(job);
            reference.Apply(Runner().RunBatch([job]).Single());
        }

        var completed = new ConcurrentQueue<(string JobId, long At)>();
        var caption = engine.SubmitStep(captionJob, new JobScheduling("caption", "m", 1, null), CancellationToken.None)
            .ContinueWith(t => { completed.Enqueue(("caption", Stopwatch.GetTimestamp())); return t.Result; }, TaskScheduler.Default);
        var chain = engine.SubmitStepChain(imageJobs,
            imageJobs.Select(_ => new JobScheduling("image", "m", 1, null)).ToList(), CancellationToken.None);
        var chained = new List<StepResult>();
        await foreach (var (result, _) in chain.Results.ReadAllAsync())
        {
            completed.Enqueue((result.JobId, Stopwatch.GetTimestamp()));
            chained.Add(result);
        }
        var (captioned, _) = await caption.WaitAsync(TimeSpan.FromSeconds(60));

        var alone = Runner().RunBatch([captionJob]).Single();
        Assert.Equal(alone.GeneratedSequence, captioned.GeneratedSequence);
        Assert.Equal(alone.State["caption"].Tokens, captioned.State["caption"].Tokens);
        var expected = new FourMGenerator(Runner()).Generate(Image());
        Assert.Equal(expected["tok_depth@224"].Tokens, chained[^1].State["tok_depth@224"].Tokens);
        Assert.Equal(imageJobs.Count, chained.Count);

        // Interleaved, image steps complete while the caption decodes (it needs at least 8 tokens, one per batch, before its
        // first end check); otherwise the whole decode holds the device, and at most the step packed with it completes first.
        var order = completed.OrderBy(c => c.At).Select(c => c.JobId).ToList();
        var imageStepsBeforeCaption = order.IndexOf("caption");
        if (interleave) Assert.True(imageStepsBeforeCaption >= 3, $"completion order: {string.Join(", ", order)}");
        else Assert.True(imageStepsBeforeCaption <= 1, $"completion order: {string.Join(", ", order)}");
        Assert.Equal(0, engine.Snapshot().RunningJobs);
    }

    [Fact]
    public async Task A_cancelled_sequence_step_stops_decoding_at_its_next_token()
    {
        using var metrics = new ServingMetrics();
        using var firstToken = new SemaphoreSlim(0);
        using var resume = new SemaphoreSlim(0);
        var drawn = new ConcurrentQueue<int>();
        // The engine thread waits inside the first token until the test has cancelled the job.
        var runner = new StepBatchRunner(new FourMModelNetwork(Model.Value), options: new StepRunnerOptions
        {
            TokenLogitsObserver = (_, token, _) =>
            {
                drawn.Enqueue(token);
                if (token != 0) return;
                firstToken.Release();
                resume.Wait(TimeSpan.FromSeconds(30));
            },
        });
        using var engine = new DeviceEngine("cpu:0", new DelegateRunnerFactory((_, _) => runner),
            new EngineOptions { MaxQueueDelay = TimeSpan.Zero, InterleaveSequenceDecodes = true }, metrics);
        using var cancellation = new CancellationTokenSource();

        var caption = engine.SubmitStep(new GenerationSession(Caption()).NextJob(), new JobScheduling("caption", "m", 1, null), cancellation.Token);
        Assert.True(await firstToken.WaitAsync(TimeSpan.FromSeconds(30)));
        cancellation.Cancel();
        resume.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => caption);
        for (var waited = 0; engine.Snapshot().RunningJobs > 0; waited += 10)
        {
            Assert.True(waited < 30_000, "the cancelled decode still runs");
            await Task.Delay(10);
        }
        // Left alone it would draw at least 8 tokens (its first end check) of its 24; cancelled during the first, it draws no more.
        Assert.Equal([0], drawn.ToArray());
    }
}
