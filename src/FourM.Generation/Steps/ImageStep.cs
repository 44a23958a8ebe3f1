using FourM.Generation.Batching;
using FourM.Generation.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Steps;

/// <summary>
/// MaskGIT and ROAR steps for image targets (the reference's <c>*maskgit_step_batched</c> and <c>*roar_step_batched</c>),
/// split into choosing the decoded positions and sampling from the (guided) logits.
/// </summary>
public static class ImageStep
{
    /// <summary>
    /// Positions fed to the decoder. MaskGIT: every still-masked position, ascending. ROAR: the still-masked positions ordered by
    /// <c>argsort(target_mask + rand(N)·1e-6)</c> with the rand drawn from the job's generator, first <c>num_tokens</c> only.
    /// The guided passes reuse these positions (the reference draws the same permutation twice when seeded and different ones
    /// when not, which is its bug 5.11.1).
    /// </summary>
    public static long[] SelectPositions(StepJob job, JobRandom random, Device device)
    {
        var target = job.State[job.Step.TargetDomain];
        var remaining = EncoderPass.ValidPositions(target.TargetMask);
        int numSelect = job.Step.NumTokens ?? throw new GenerationPlanException($"job {job.JobId}: {job.Step.Scheme} step without a token count");
        if (job.Step.Scheme == DecodingScheme.MaskGit)
        {
            if (numSelect > remaining.Length)
                throw new GenerationPlanException($"job {job.JobId}: MaskGIT step selects {numSelect} tokens but only {remaining.Length} of '{job.Step.TargetDomain}' are still masked");
            return remaining;
        }
        using var scope = NewDisposeScope();
        var mask = torch.tensor(target.TargetMask, device: device).unsqueeze(0);
        var noise = random.Rand(target.TargetMask.Length).unsqueeze(0) * 1e-6;
        var order = (mask + noise).argsort(dim: 1);
        int count = Math.Min(numSelect, remaining.Length);
        return order[0].narrow(0, 0, count).cpu().data<long>().ToArray();
    }

    /// <summary>The decoder inputs of the chosen positions: <c>mask_token + emb[position]</c>.</summary>
    public static Tensor Queries(Network.IGenerationNetwork network, StepJob job, long[] positions)
    {
        using var scope = NewDisposeScope();
        var emb = network.DecoderPositionEmbedding(job.State[job.Step.TargetDomain]);
        var index = torch.tensor(positions, device: network.Device);
        return (network.MaskToken.reshape(1, -1) + emb.index_select(0, index)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Samples from the guided logits (K, V) and writes the chosen tokens into a copy of the job's sample (and of its weighted
    /// conditions). MaskGIT keeps the <c>num_tokens</c> samples of highest probability; ROAR keeps them all.
    /// </summary>
    public static StepResult Complete(StepJob job, long[] positions, Tensor logits, JobRandom random)
    {
        using var scope = NewDisposeScope();
        var (samples, probabilities) = TokenSampler.Sample(logits, job.Step.Temperature, TopK.FromSetting(job.Sampling.TopK), job.Sampling.TopP, random);
        long[] chosenTokens, chosenPositions;
        if (job.Step.Scheme == DecodingScheme.MaskGit)
        {
            var top = probabilities.unsqueeze(0).topk(job.Step.NumTokens!.Value, dim: -1).indexes.squeeze(0);
            chosenTokens = samples.index_select(0, top).cpu().data<long>().ToArray();
            var topIndex = top.cpu().data<long>().ToArray();
            chosenPositions = topIndex.Select(i => positions[i]).ToArray();
        }
        else
        {
            chosenTokens = samples.cpu().data<long>().ToArray();
            chosenPositions = positions;
        }
        var state = Write(job.State, job.Step.TargetDomain, chosenPositions, chosenTokens);
        var conditions = job.Conditions?.Select(c => Write(c, job.Step.TargetDomain, chosenPositions, chosenTokens)).ToList();
        return new StepResult(job.JobId, state, chosenPositions.Length) { Conditions = conditions };
    }

    /// <summary>Unmasks the positions with their tokens: input mask false (now an input), target mask true (no longer predicted).</summary>
    public static SampleState Write(SampleState sample, string target, long[] positions, long[] tokens)
    {
        var copy = sample.Clone();
        var state = copy[target];
        for (int i = 0; i < positions.Length; i++)
        {
            state.Tokens[positions[i]] = tokens[i];
            state.InputMask[positions[i]] = false;
            state.TargetMask[positions[i]] = true;
        }
        return copy;
    }
}
