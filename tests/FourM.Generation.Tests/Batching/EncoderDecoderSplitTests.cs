using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Generation.Requests;
using FourM.Generation.Schedules;
using FourM.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Batching;

public sealed class EncoderDecoderSplitTests
{
    [Fact]
    public void Exported_bf16_contexts_decode_like_the_colocated_path_on_a_bf16_model()
    {
        using var model = TinyModel.Create(5, ScalarType.BFloat16);
        var jobs = HeterogeneousBatchTests.EightRequests().Take(3).Select(r => new GenerationSession(r).NextJob()).ToList();
        var colocated = new StepBatchRunner(new FourMModelNetwork(model)).RunBatch(jobs);

        var encoder = new StepBatchRunner(new FourMModelNetwork(model));
        var decoder = new StepBatchRunner(new FourMModelNetwork(model));
        var payloads = encoder.EncodeBatch(jobs).Select(encoder.ExportContext).ToList();
        Assert.Equal(0, encoder.PendingContexts);
        var handles = payloads.Select(decoder.ImportContext).ToList();
        var split = decoder.DecodeBatch(jobs.Zip(handles).ToList());

        Assert.Equal(0, decoder.PendingContexts);
        for (int i = 0; i < jobs.Count; i++)
            Assert.Equal(colocated[i].State[jobs[i].Step.TargetDomain].Tokens, split[i].State[jobs[i].Step.TargetDomain].Tokens);
    }

    [Fact]
    public void Decoding_an_encoded_batch_in_another_order_or_in_parts_gives_the_same_tokens()
    {
        var jobs = HeterogeneousBatchTests.EightRequests().Select(r => new GenerationSession(r).NextJob()).ToList();
        var together = new StepBatchRunner(new FourMModelNetwork(TinyModel.Instance)).RunBatch(jobs);

        var runner = new StepBatchRunner(new FourMModelNetwork(TinyModel.Instance));
        var work = jobs.Zip(runner.EncodeBatch(jobs)).ToList();
        // Reversed (the decoder puts rows back in their encoder pass's order), then the rest in two uneven parts.
        var reversed = runner.DecodeBatch(work.Take(3).Reverse().ToList());
        var rest = runner.DecodeBatch(work.Skip(3).Take(1).ToList()).Concat(runner.DecodeBatch(work.Skip(4).ToList())).ToList();
        var split = reversed.Reverse().Concat(rest).ToList();

        Assert.Equal(0, runner.PendingContexts);
        for (int i = 0; i < jobs.Count; i++)
        {
            Assert.Equal(jobs[i].JobId, split[i].JobId);
            Assert.Equal(together[i].State[jobs[i].Step.TargetDomain].Tokens, split[i].State[jobs[i].Step.TargetDomain].Tokens);
        }
    }

    [Fact]
    public void Importing_garbage_is_a_clear_error()
    {
        var runner = new StepBatchRunner(new FourMModelNetwork(TinyModel.Instance));
        Assert.Throws<InvalidDataException>(() => runner.ImportContext([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    }

    [Fact]
    public void Weighted_conditions_with_a_negative_weight_write_new_tokens_into_every_condition()
    {
        long[] Tokens(int salt) => Enumerable.Range(0, 196).Select(i => (long)((i * 31 + salt) % 4096)).ToArray();
        var request = new GenerationRequest
        {
            Inputs = [],
            WeightedConditions =
            [
                [new GenerationInput { Modality = "tok_semseg@224", Tokens = Tokens(1) }],
                [new GenerationInput { Modality = "caption", Tokens = [4321, 5135, 3] }],
            ],
            Chain = new GenerationChain
            {
                CondDomains = [],
                Targets =
                [
                    new TargetPlan { Domain = "tok_depth@224", Scheme = DecodingScheme.Roar, Tokens = 196, Steps = 2, CfgWeights = [2.0, -1.0] },
                    new TargetPlan { Domain = "tok_normal@224", Scheme = DecodingScheme.MaskGit, Tokens = 196, Steps = 2, CfgWeights = [1.5, -0.5, 1.0] },
                ],
            },
            Seed = 3,
        };
        var session = new GenerationSession(request);
        var runner = new StepBatchRunner(new FourMModelNetwork(TinyModel.Instance));
        var job = session.NextJob();
        Assert.Equal(2, job.Conditions!.Count);
        session.Apply(runner.RunBatch([job])[0]);
        // After a ROAR step, each condition sees the new depth tokens as inputs (the reference inverts these masks: bug 5.11.2).
        foreach (var condition in session.Conditions!)
            Assert.Equal(98, condition["tok_depth@224"].InputMask.Count(m => !m));
        while (!session.IsComplete) session.Apply(runner.RunBatch([session.NextJob()])[0]);
        // The finished depth target became a third condition.
        Assert.Equal(3, session.Conditions!.Count);
        Assert.All(session.State["tok_normal@224"].TargetMask, Assert.True);
    }

    /// <summary>Uses the golden tiny model: its perturbed weights make conditions matter (a freshly initialised model barely listens).</summary>
    [GoldenFact]
    public void Weighted_conditions_also_guide_a_sequence_target()
    {
        using var model = FourM.Model.FourMModel.Load(Goldens.File("model.safetensors"), ScalarType.Float32, CPU);
        var request = new GenerationRequest
        {
            Inputs = [],
            WeightedConditions =
            [
                [new GenerationInput { Modality = "tok_depth@224", Tokens = Enumerable.Range(0, 196).Select(i => (long)(i * 13 % 8192)).ToArray() }],
                [new GenerationInput { Modality = "tok_semseg@224", Tokens = Enumerable.Range(0, 196).Select(i => (long)(i * 7 % 4096)).ToArray() }],
            ],
            Chain = new GenerationChain
            {
                CondDomains = [],
                Targets = [new TargetPlan { Domain = "caption", Scheme = DecodingScheme.Autoregressive, Tokens = 9, Temperature = 0.5, CfgWeights = [1.5, -0.5] }],
            },
            Seed = 4,
        };
        Tensor? firstTokenLogits = null;
        var runner = new StepBatchRunner(new FourMModelNetwork(model), options: new StepRunnerOptions
        {
            TokenLogitsObserver = (_, index, logits) => { if (index == 0) firstTokenLogits = logits.clone().DetachFromDisposeScope(); },
        });
        var first = new FourMGenerator(runner).Generate(request);
        using var weighted = firstTokenLogits!;
        var again = new FourMGenerator(runner).Generate(request);
        new FourMGenerator(runner).Generate(request with { Chain = request.Chain with { Targets = [request.Chain.Targets[0] with { CfgWeights = [1.0, 0.0] }] } });
        using var firstConditionOnly = firstTokenLogits!;
        Assert.NotEmpty(first["caption"].Tokens);
        Assert.Equal(first["caption"].Tokens, again["caption"].Tokens);
        // The weights reach the logits: L_u + 1.5 (L_1 - L_u) - 0.5 (L_2 - L_u) differs from L_1.
        var difference = (weighted - firstConditionOnly).abs().max().item<float>();
        Assert.True(difference > 1e-4f, $"max difference {difference}, same object {ReferenceEquals(weighted, firstConditionOnly)}");
    }
}
