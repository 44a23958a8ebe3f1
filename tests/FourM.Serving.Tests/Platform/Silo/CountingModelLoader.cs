using FourM.Generation.Batching;
using FourM.Grains.Registry;

namespace FourM.Serving.Tests.Platform.Silo;

/// <summary>
/// A model loader whose runner "predicts" token id <c>100 + position</c> for each target position it unmasks, so a
/// silo host can be started and driven end to end without weights. Counts loads per model and device.
/// </summary>
public sealed class CountingModelLoader : IModelLoader
{
    private int _loads;
    public int Loads => Volatile.Read(ref _loads);

    public IEncoderDecoderRunner Load(ModelEntry model, string? directory, string device)
    {
        Interlocked.Increment(ref _loads);
        return new CountingRunner();
    }

    public IReadOnlyList<string> Modalities(ModelEntry model, string? directory) => ["caption", "tok_rgb@224"];

    private sealed class CountingRunner : IEncoderDecoderRunner
    {
        private readonly Dictionary<long, StepJob> _contexts = new();
        private long _next;

        public IReadOnlyList<StepResult> RunBatch(IReadOnlyList<StepJob> jobs) => jobs.Select(Step).ToList();

        public IReadOnlyList<ContextHandle> EncodeBatch(IReadOnlyList<StepJob> jobs) =>
            jobs.Select(j => { var id = ++_next; _contexts[id] = j; return new ContextHandle(id); }).ToList();

        public IReadOnlyList<StepResult> DecodeBatch(IReadOnlyList<(StepJob Job, ContextHandle Context)> work) =>
            work.Select(w => { _contexts.Remove(w.Context.Id); return Step(w.Job); }).ToList();

        public byte[] ExportContext(ContextHandle handle) { _contexts.Remove(handle.Id); return BitConverter.GetBytes(handle.Id); }
        public ContextHandle ImportContext(byte[] payload) => new(++_next);
        public void ReleaseContext(ContextHandle handle) => _contexts.Remove(handle.Id);

        private static StepResult Step(StepJob job)
        {
            var state = job.State.Clone();
            var target = state[job.Step.TargetDomain];
            var masked = Enumerable.Range(0, target.Tokens.Length).Where(i => !target.TargetMask[i]).ToList();
            var take = Math.Min(job.Step.NumTokens ?? masked.Count, masked.Count);
            foreach (var i in masked.Take(take))
            {
                target.Tokens[i] = 100 + i;
                target.InputMask[i] = false;
                target.TargetMask[i] = true;
            }
            return new StepResult(job.JobId, state, take);
        }
    }
}
