using FourM.Generation.Batching;
using FourM.Generation.Modalities;
using FourM.Generation.Network;
using FourM.Generation.Requests;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Batching;

/// <summary>The packed encoder pass (the CUDA default) gives the padded pass's contexts and tokens.</summary>
public sealed class PackedEncoderTests
{
    private static List<SampleState> FirstStepSamples() =>
        HeterogeneousBatchTests.EightRequests()
            .SelectMany(r => GuidancePasses.Build(new GenerationSession(r).NextJob(), ModalityCatalog.Default))
            .ToList();

    [Fact]
    public void Packed_contexts_equal_padded_contexts_for_rows_of_different_lengths()
    {
        var samples = FirstStepSamples();
        using var scope = NewDisposeScope();
        using var inference = inference_mode();
        var padded = EncoderPass.Encode(new FourMModelNetwork(TinyModel.Instance) { PacksEncoderTokens = false }, samples).Select(c => c.View()).ToList();
        var packed = EncoderPass.Encode(new FourMModelNetwork(TinyModel.Instance) { PacksEncoderTokens = true }, samples).Select(c => c.View()).ToList();

        Assert.True(padded.Select(c => c.shape[0]).Distinct().Count() > 3, "the batch should mix several lengths");
        var batch = EncoderInputBatch.Build(new FourMModelNetwork(TinyModel.Instance), samples, packed: true);
        Assert.True(batch!.Packing!.Groups.Count > 1, "the rows should attend in more than one length group");
        for (int i = 0; i < samples.Count; i++)
        {
            Assert.Equal(padded[i].shape, packed[i].shape);
            Assert.True(packed[i].allclose(padded[i], rtol: 1e-5, atol: 1e-5), $"sample {i}: max |Δ| {(packed[i] - padded[i]).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void A_heterogeneous_batch_generates_the_same_tokens_packed_and_padded()
    {
        var requests = HeterogeneousBatchTests.EightRequests();
        IReadOnlyList<GenerationSession> Run(bool packed)
        {
            var runner = new StepBatchRunner(new FourMModelNetwork(TinyModel.Instance) { PacksEncoderTokens = packed });
            var sessions = requests.Select(r => new GenerationSession(r)).ToList();
            while (sessions.Any(s => !s.IsComplete))
            {
                var active = sessions.Where(s => !s.IsComplete).ToList();
                var results = runner.RunBatch(active.Select(s => s.NextJob()).ToList());
                for (int i = 0; i < active.Count; i++) active[i].Apply(results[i]);
            }
            Assert.Equal(0, runner.PendingContexts);
            return sessions;
        }

        var padded = Run(packed: false);
        var packed = Run(packed: true);
        for (int i = 0; i < requests.Count; i++)
            foreach (var modality in padded[i].State.Modalities)
                Assert.Equal(modality.Tokens, packed[i].State[modality.Modality].Tokens);
    }
}
