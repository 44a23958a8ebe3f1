using FourM.Generation.Batching;
using FourM.Generation.Requests;
using FourM.Generation.Schedules;
using Xunit;

namespace FourM.Generation.Tests.Requests;

public sealed class GenerationSessionTests
{
    private static GenerationRequest Request(long? seed) => new()
    {
        Inputs = [new GenerationInput { Modality = "tok_depth@224", Tokens = new long[196] }],
        Chain = new GenerationChain
        {
            CondDomains = ["tok_depth@224"],
            Targets =
            [
                new TargetPlan { Domain = "tok_semseg@224", Scheme = DecodingScheme.Roar, Tokens = 196, Steps = 4 },
                new TargetPlan { Domain = "caption", Scheme = DecodingScheme.Autoregressive, Tokens = 10 },
            ],
        },
        Seed = seed,
    };

    [Fact]
    public void Steps_are_reseeded_with_seed_plus_step_index()
    {
        var session = new GenerationSession(Request(100));
        var seeds = new List<long?>();
        while (!session.IsComplete)
        {
            var job = session.NextJob();
            seeds.Add(job.Seed);
            session.Apply(new StepResult(job.JobId, job.State, job.Step.NumTokens ?? 0));
        }
        Assert.Equal([100L, 101, 102, 103, 104], seeds);
    }

    [Fact]
    public void Initial_sample_holds_inputs_then_empty_targets_in_chain_order()
    {
        var session = new GenerationSession(Request(1));
        Assert.Equal(["tok_depth@224", "tok_semseg@224", "caption"], session.State.Modalities.Select(m => m.Modality));
        Assert.Equal(10, session.State["caption"].Tokens.Length);
    }

    [Fact]
    public void Progress_counts_tokens_per_target()
    {
        var session = new GenerationSession(Request(1));
        var reports = new List<int>();
        for (int i = 0; i < 4; i++)
        {
            var job = session.NextJob();
            reports.Add(session.Apply(new StepResult(job.JobId, job.State, job.Step.NumTokens!.Value)).TargetTokensUnmasked);
        }
        Assert.Equal([49, 98, 147, 196], reports);
    }
}
