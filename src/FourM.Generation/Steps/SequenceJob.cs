using FourM.Generation.Batching;
using static TorchSharp.torch;

namespace FourM.Generation.Steps;

/// <summary>One job of a <see cref="SequenceDecode"/>: its stream, its budget and what it has drawn so far.</summary>
internal sealed class SequenceJob
{
    public required StepJob Job;
    public required JobRandom Random;
    public required Tensor PositionEmbeddings;   // (L, D): decoder emb of the target positions, L = decode budget
    public required long Start;
    public required long End;
    public required int Budget;
    public required int FirstPass;                // index of this job's first pass row
    public required int PassCount;
    public readonly List<long> Generated = new(); // host copy, filled at each end-of-sequence check
    public int Drawn;                              // tokens sampled so far (on the device, not all copied yet)
    public bool Finished;
}
