using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Generation.Requests;
using Xunit;

namespace FourM.Generation.Tests.Batching;

/// <summary>
/// Sequence steps decoded token by token (<see cref="Steps.SequenceDecode"/>), with image batches of other requests run in
/// between and each token issued while such a batch is on the device, give the tokens of the decode run at once; the image
/// requests get the tokens they get alone.
/// </summary>
public sealed class SequenceDecodeTests
{
    private static StepBatchRunner Runner() => new(new FourMModelNetwork(TinyModel.Instance));

    [Fact]
    public void Sequence_steps_decoded_between_image_batches_give_the_tokens_of_the_decode_run_at_once()
    {
        var requests = HeterogeneousBatchTests.EightRequests();
        var runner = Runner();
        // Requests with a sequence target, advanced to it (rgb2x decodes its depth first, caption2det starts with its det).
        var sequenceSessions = requests.Where(r => r.Chain.Targets.Any(t => t.Scheme == DecodingScheme.Autoregressive))
            .Select(r => new GenerationSession(r)).ToList();
        Assert.Equal(3, sequenceSessions.Count);
        foreach (var session in sequenceSessions)
            while (session.NextJob().Step.Scheme != DecodingScheme.Autoregressive) session.Apply(runner.RunBatch([session.NextJob()]).Single());
        var sequenceJobs = sequenceSessions.Select(s => s.NextJob()).ToList();
        var atOnce = Runner().RunBatch(sequenceJobs);

        var imageRequests = requests.Where(r => r.RequestId is "clip2rgb" or "semseg2all").ToList();
        var imageSessions = imageRequests.Select(r => new GenerationSession(r)).ToList();
        int batchesDuringDecode = 0, tokens = 0;
        IReadOnlyList<StepResult> decoded;
        using (var decode = runner.StartSequences(sequenceJobs))
        {
            while (!decode.Done)
            {
                var active = imageSessions.Where(s => !s.IsComplete).ToList();
                if (active.Count == 0) decode.IssueToken();
                else
                {
                    var results = runner.RunBatch(active.Select(s => s.NextJob()).ToList(), decode.IssueToken);
                    for (int i = 0; i < active.Count; i++) active[i].Apply(results[i]);
                    batchesDuringDecode++;
                }
                tokens++;
                if (decode.CheckDue) decode.CheckEnded();
            }
            decoded = decode.Finish();
        }

        Assert.True(batchesDuringDecode >= 4, $"{batchesDuringDecode} image batches ran during the decode of {tokens} tokens");
        for (int i = 0; i < sequenceJobs.Count; i++)
        {
            Assert.Equal(atOnce[i].JobId, decoded[i].JobId);
            Assert.Equal(atOnce[i].GeneratedSequence, decoded[i].GeneratedSequence);
            var target = sequenceJobs[i].Step.TargetDomain;
            Assert.Equal(atOnce[i].State[target].Tokens, decoded[i].State[target].Tokens);
        }
        while (imageSessions.Any(s => !s.IsComplete))
        {
            var active = imageSessions.Where(s => !s.IsComplete).ToList();
            var results = runner.RunBatch(active.Select(s => s.NextJob()).ToList());
            for (int i = 0; i < active.Count; i++) active[i].Apply(results[i]);
        }
        for (int i = 0; i < imageRequests.Count; i++)
        {
            var alone = new FourMGenerator(Runner()).Generate(imageRequests[i]);
            foreach (var modality in alone.Modalities) Assert.Equal(modality.Tokens, imageSessions[i].State[modality.Modality].Tokens);
        }
        Assert.Equal(0, runner.PendingContexts);
    }

    [Fact]
    public void Only_sequence_steps_start_a_sequence_decode()
    {
        var image = new GenerationSession(HeterogeneousBatchTests.EightRequests().Single(r => r.RequestId == "clip2rgb")).NextJob();
        Assert.Throws<ArgumentException>(() => Runner().StartSequences([image]));
    }
}
