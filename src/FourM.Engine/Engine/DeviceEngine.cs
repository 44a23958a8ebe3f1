using System.Diagnostics;
using FourM.Engine.Admission;
using FourM.Engine.Batching;
using FourM.Engine.Metrics;
using FourM.Engine.Runners;
using FourM.Generation.Batching;
using FourM.Generation.Steps;
using FourM.ImageTokenizers.Imaging;
using FourM.ImageTokenizers.Runtime;

namespace FourM.Engine.Engine;

/// <summary>
/// Owns one device: a dedicated thread runs every model call for it (TorchSharp calls block their thread, so they never
/// run on the Orleans scheduler). Grains submit jobs and await completions; the thread forms batches across sessions
/// with <see cref="StepBatcher"/>, runs them, and completes each job. Cancelled jobs are dropped before packing; a
/// cancelled job already running is abandoned (its result is discarded, its context released). With
/// <see cref="EngineOptions.InterleaveSequenceDecodes"/>, sequence steps decode across later batches (<see cref="SequenceDecodes"/>).
/// </summary>
public sealed class DeviceEngine : IDisposable
{
    private readonly object _gate = new();
    private readonly StepBatcher _batcher;
    private readonly EngineOptions _options;
    private readonly IRunnerFactory _runnerFactory;
    private readonly ServingMetrics _metrics;
    private readonly Queue<Action> _controlWork = new();
    private readonly Dictionary<string, IEncoderDecoderRunner> _runners = new(StringComparer.Ordinal);
    private readonly ITokenizerRunnerFactory _tokenizerFactory;
    private readonly Dictionary<string, IImageTokenizerRunner> _tokenizers = new(StringComparer.Ordinal);
    private readonly Thread _thread;
    private bool _stopping;
    private int _runningJobs;
    private long _completedJobs;
    private long _batches;
    private int _heldContexts;
    private readonly UnclaimedContexts _unclaimed = new();
    private readonly SequenceDecodes _sequences = new();
    private double _meanBatchMilliseconds = 10;

    public DeviceEngine(string device, IRunnerFactory runnerFactory, EngineOptions options, ServingMetrics metrics,
        ITokenizerRunnerFactory? tokenizerFactory = null)
    {
        Device = device;
        _runnerFactory = runnerFactory;
        _tokenizerFactory = tokenizerFactory ?? NoTokenizerRunners.Instance;
        _options = options;
        _metrics = metrics;
        _batcher = new StepBatcher(options);
        _thread = new Thread(Loop) { IsBackground = true, Name = $"fourm-engine {device}" };
        _thread.Start();
        metrics.Track(this);
    }

    public string Device { get; }

    public EngineLoad Snapshot()
    {
        lock (_gate)
            return new EngineLoad(Device, _batcher.QueuedJobs, _batcher.QueuedRows, _runningJobs + _sequences.Jobs, _batcher.ActiveSessions,
                _completedJobs, _batches, Volatile.Read(ref _heldContexts));
    }

    /// <summary>Registers an active session (it then holds the batching barrier), or rejects it when the engine is full.</summary>
    public void RegisterSession(string sessionId, string modelId)
    {
        lock (_gate)
        {
            ThrowIfStopping();
            if (_batcher.IsRegistered(sessionId)) { _batcher.RegisterSession(sessionId, modelId, Stopwatch.GetTimestamp()); return; }
            if (_batcher.ActiveSessions >= _options.MaxActiveSessions)
                throw Reject(EngineRejection.SessionLimit, $"device {Device} already serves {_batcher.ActiveSessions} sessions (limit {_options.MaxActiveSessions})");
            _batcher.RegisterSession(sessionId, modelId, Stopwatch.GetTimestamp());
        }
    }

    public void UnregisterSession(string sessionId)
    {
        lock (_gate)
        {
            _batcher.UnregisterSession(sessionId);
            Monitor.PulseAll(_gate);   // the barrier may now be met
        }
    }

    public Task<(StepResult Result, JobTiming Timing)> SubmitStep(StepJob job, JobScheduling scheduling, CancellationToken cancellationToken) =>
        Enqueue(new StepQueuedJob(job, scheduling), cancellationToken).Completion;

    /// <summary>
    /// Runs a session's consecutive steps as one <see cref="StepChain"/>: the device thread queues each step as soon as the one
    /// before it completes. Cancelling <paramref name="cancellationToken"/> drops the queued step and ends the chain.
    /// </summary>
    public StepChain SubmitStepChain(IReadOnlyList<StepJob> steps, IReadOnlyList<JobScheduling> scheduling, CancellationToken cancellationToken)
    {
        var chain = new StepChain(steps, scheduling);
        if (cancellationToken.IsCancellationRequested)
        {
            chain.End(new OperationCanceledException(cancellationToken));
            return chain;
        }
        Enqueue(chain.Start(), CancellationToken.None);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => AbandonChain(chain, cancellationToken));
            chain.Results.Completion.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return chain;
    }

    public Task<(ContextHandle Context, JobTiming Timing)> SubmitEncode(StepJob job, JobScheduling scheduling, CancellationToken cancellationToken) =>
        Enqueue(new EncodeQueuedJob(job, scheduling), cancellationToken).Completion;

    /// <summary>Decodes against a context on this device, or against one exported by another device.</summary>
    public Task<(StepResult Result, JobTiming Timing)> SubmitDecode(StepJob job, JobScheduling scheduling, ContextHandle? context,
        byte[]? importedContext, CancellationToken cancellationToken) =>
        Enqueue(new DecodeQueuedJob(job, scheduling, context, importedContext), cancellationToken).Completion;

    /// <summary>Tokenizes a prepared image with the tokenizer of <see cref="JobScheduling.ModelId"/> (a modality name).</summary>
    public Task<(long[] Tokens, JobTiming Timing)> SubmitTokenize(TokenizerInput input, JobScheduling scheduling, CancellationToken cancellationToken) =>
        Enqueue(new TokenizeQueuedJob(input, scheduling), cancellationToken).Completion;

    /// <summary>Decodes a token grid with the tokenizer of <see cref="JobScheduling.ModelId"/> (a modality name).</summary>
    public Task<(DecodedMap Map, JobTiming Timing)> SubmitDetokenize(long[] tokenGrid, int steps, long seed, JobScheduling scheduling,
        CancellationToken cancellationToken) =>
        Enqueue(new DetokenizeQueuedJob(tokenGrid, steps, seed, scheduling), cancellationToken).Completion;

    /// <summary>Exports a context held here as bf16 bytes and releases it (ahead of queued batches).</summary>
    public Task<byte[]> ExportContext(string modelId, ContextHandle context) => RunControl(runner =>
    {
        var bytes = runner(modelId).ExportContext(context);
        _unclaimed.Claimed(context);
        Interlocked.Decrement(ref _heldContexts);
        return bytes;
    });

    public Task ReleaseContext(string modelId, ContextHandle context) => RunControl(runner =>
    {
        runner(modelId).ReleaseContext(context);
        _unclaimed.Claimed(context);
        Interlocked.Decrement(ref _heldContexts);
        return true;
    });

    /// <summary>
    /// Frees the context of a job whose caller gave up on its encode (e.g. cancelled while the reply was in flight): now if
    /// the encode has finished, else as soon as it does.
    /// </summary>
    public Task AbandonEncode(string jobId) => RunControl(runner =>
    {
        if (_unclaimed.Abandon(jobId) is { } entry)
        {
            runner(entry.ModelId).ReleaseContext(entry.Handle);
            Interlocked.Decrement(ref _heldContexts);
        }
        return true;
    });

    private Task<T> RunControl<T>(Func<Func<string, IEncoderDecoderRunner>, T> work)
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ThrowIfStopping();
            _controlWork.Enqueue(() =>
            {
                try { completion.TrySetResult(work(Runner)); }
                catch (Exception ex) { completion.TrySetException(ex); }
            });
            Monitor.PulseAll(_gate);
        }
        return completion.Task;
    }

    private TJob Enqueue<TJob>(TJob job, CancellationToken cancellationToken) where TJob : QueuedJob
    {
        if (cancellationToken.IsCancellationRequested)
        {
            job.Cancel(cancellationToken);
            return job;
        }
        lock (_gate)
        {
            ThrowIfStopping();
            if (_batcher.QueuedJobs >= _options.MaxQueuedJobs)
                throw Reject(EngineRejection.QueueFull, $"device {Device} queue is full ({_batcher.QueuedJobs} jobs, limit {_options.MaxQueuedJobs})");
            _batcher.Enqueue(job, Stopwatch.GetTimestamp());
            Monitor.PulseAll(_gate);
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => Abandon(job, cancellationToken));
            ((Task)CompletionOf(job)).ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        return job;
    }

    private static Task CompletionOf(QueuedJob job) => job switch
    {
        StepQueuedJob s => s.Completion,
        EncodeQueuedJob e => e.Completion,
        DecodeQueuedJob d => d.Completion,
        TokenizeQueuedJob t => t.Completion,
        DetokenizeQueuedJob t => t.Completion,
        _ => throw new ArgumentOutOfRangeException(nameof(job)),
    };

    private void Abandon(QueuedJob job, CancellationToken token)
    {
        lock (_gate)
        {
            if (!job.Packed) _batcher.Remove(job);
            Monitor.PulseAll(_gate);
        }
        if (!job.IsCompleted) _metrics.JobsCancelled.Add(1);
        job.Cancel(token);
    }

    private void AbandonChain(StepChain chain, CancellationToken token)
    {
        lock (_gate)
        {
            if (chain.Ended) return;
            if (chain.Current is { Packed: false } queued) _batcher.Remove(queued);
            chain.End(new OperationCanceledException(token));
            Monitor.PulseAll(_gate);
        }
        _metrics.JobsCancelled.Add(1);
    }

    private EngineRejectedException Reject(EngineRejection reason, string message)
    {
        // Retry when the queue ahead has had time to drain: batches needed for it times the mean batch time.
        var batchesAhead = 1 + _batcher.QueuedRows / Math.Max(1, _options.MaxBatchRows);
        var retryAfter = TimeSpan.FromMilliseconds(Math.Max(50, batchesAhead * _meanBatchMilliseconds));
        _metrics.Rejected.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
        return new EngineRejectedException(reason, retryAfter, message);
    }

    private void ThrowIfStopping()
    {
        if (_stopping) throw new EngineRejectedException(EngineRejection.Draining, TimeSpan.FromSeconds(1), $"device {Device} is shutting down");
    }

    private IEncoderDecoderRunner Runner(string modelId)
    {
        if (!_runners.TryGetValue(modelId, out var runner))
            _runners[modelId] = runner = _runnerFactory.Create(modelId, Device);
        return runner;
    }

    private IImageTokenizerRunner Tokenizer(string modality)
    {
        if (!_tokenizers.TryGetValue(modality, out var tokenizer))
            _tokenizers[modality] = tokenizer = _tokenizerFactory.Create(modality, Device);
        return tokenizer;
    }

    private void Loop()
    {
        while (true)
        {
            List<QueuedJob>? batch = null;
            Action? control = null;
            lock (_gate)
            {
                while (true)
                {
                    if (_stopping)
                    {
                        var shutDown = new OperationCanceledException($"device {Device} shut down");
                        foreach (var job in _batcher.DrainAll()) job.Fail(shutDown);
                        _sequences.FailAll(shutDown, (job, error) => job.Fail(error));
                        foreach (var pending in _controlWork) pending();
                        return;
                    }
                    if (_controlWork.Count > 0) { control = _controlWork.Dequeue(); break; }
                    batch = _batcher.TryTake(Stopwatch.GetTimestamp(), out var wait);
                    if (batch is not null) { _runningJobs = batch.Count; break; }
                    // Nothing to batch yet: the running sequence decodes use the time instead of waiting.
                    if (_sequences.Any) break;
                    var timeout = wait is { } w ? (int)Math.Clamp(Math.Ceiling(w.TotalMilliseconds), 1, int.MaxValue) : Timeout.Infinite;
                    Monitor.Wait(_gate, timeout);
                }
            }
            if (control is not null) { control(); continue; }
            if (batch is null)
            {
                var started = Stopwatch.GetTimestamp();
                _sequences.IssueTokens(FailDecoding);
                _sequences.CompleteFinished(CompleteDecoded, FailDecoding);
                // Device time like a batch's (the serving benchmark's busy share adds these up).
                _metrics.ForwardDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("kind", "SequenceToken"));
                continue;
            }
            Run(batch);
            if (_sequences.Any) _sequences.CompleteFinished(CompleteDecoded, FailDecoding);
            lock (_gate) _runningJobs = 0;
        }
    }

    private void Run(List<QueuedJob> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var rows = batch.Sum(j => j.Rows);
        try
        {
            switch (batch[0].Kind)
            {
                case WorkKind.Step: RunSteps(batch.Cast<StepQueuedJob>().ToList(), started, rows); break;
                case WorkKind.Encode: RunEncodes(batch.Cast<EncodeQueuedJob>().ToList(), started, rows); break;
                case WorkKind.Decode: RunDecodes(batch.Cast<DecodeQueuedJob>().ToList(), started, rows); break;
                case WorkKind.Tokenize: RunTokenizes(batch.Cast<TokenizeQueuedJob>().ToList(), started, rows); break;
                case WorkKind.Detokenize: RunDetokenizes(batch.Cast<DetokenizeQueuedJob>().ToList(), started, rows); break;
            }
        }
        catch (Exception ex)
        {
            foreach (var job in batch) job.Fail(ex);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        _meanBatchMilliseconds = 0.8 * _meanBatchMilliseconds + 0.2 * elapsed.TotalMilliseconds;
        Interlocked.Increment(ref _batches);
        _metrics.ForwardDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("kind", batch[0].Kind.ToString()));
        _metrics.BatchRows.Record(rows, new KeyValuePair<string, object?>("kind", batch[0].Kind.ToString()));
    }

    private void RunSteps(List<StepQueuedJob> batch, long started, int rows)
    {
        var runner = Runner(batch[0].Scheduling.ModelId);
        IReadOnlyList<StepResult> results;
        if (_options.InterleaveSequenceDecodes && runner is ISequenceDecodeRunner sequences)
        {
            // Sequence steps become a decode that runs across batches; this batch carries one token of every running decode.
            var decoded = batch.Where(j => j.Job.Step.Scheme == DecodingScheme.Autoregressive && j.Chain is null).ToList();
            if (decoded.Count > 0)
            {
                StartDecode(sequences, decoded, started, rows);
                batch = batch.Except(decoded).ToList();
            }
            if (batch.Count == 0)
            {
                _sequences.IssueTokens(FailDecoding);
                return;
            }
            try
            {
                results = sequences.RunBatch(batch.Select(j => j.Job).ToList(), () => _sequences.IssueTokens(FailDecoding));
            }
            catch (Exception ex)
            {
                // The image steps failed; the decodes started above go on.
                foreach (var job in batch) job.Fail(ex);
                return;
            }
        }
        else results = runner.RunBatch(batch.Select(j => j.Job).ToList());
        CheckCount(results.Count, batch.Count, "RunBatch");
        var timingEnd = Stopwatch.GetTimestamp();
        List<StepQueuedJob>? continued = null;
        for (var i = 0; i < batch.Count; i++)
        {
            CheckJobId(results[i].JobId, batch[i].Job.JobId);
            _metrics.TokensDecoded.Add(results[i].TokensUnmasked);
            var timing = Timing(batch[i], started, timingEnd, rows);
            batch[i].Complete((results[i], timing));
            Completed(batch[i]);
            if (batch[i].Chain?.Advance(results[i], timing) is { } next) (continued ??= new()).Add(next);
        }
        if (continued is null) return;
        // Queued before this thread forms its next batch: the chains' sessions count as waiting at the barrier.
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var next in continued)
            {
                if (_stopping) next.Fail(new OperationCanceledException($"device {Device} shut down"));
                else if (next.Chain!.Current == next) _batcher.Enqueue(next, now);
            }
        }
    }

    /// <summary>Starts the decode of sequence steps packed together; a start that fails fails them.</summary>
    private void StartDecode(ISequenceDecodeRunner runner, List<StepQueuedJob> jobs, long started, int rows)
    {
        SequenceDecode decode;
        try
        {
            decode = runner.StartSequences(jobs.Select(j => j.Job).ToList());
        }
        catch (Exception ex)
        {
            foreach (var job in jobs) job.Fail(ex);
            return;
        }
        _sequences.Add(decode, jobs, started, rows);
        lock (_gate)
            foreach (var job in jobs) _batcher.SetDecoding(job.Scheduling.SessionId, true);
    }

    private void CompleteDecoded(StepQueuedJob job, StepResult result, long started, int rows)
    {
        lock (_gate) _batcher.SetDecoding(job.Scheduling.SessionId, false);
        CheckJobId(result.JobId, job.Job.JobId);
        _metrics.TokensDecoded.Add(result.TokensUnmasked);
        job.Complete((result, Timing(job, started, Stopwatch.GetTimestamp(), rows)));
        Completed(job);
    }

    private void FailDecoding(StepQueuedJob job, Exception error)
    {
        lock (_gate) _batcher.SetDecoding(job.Scheduling.SessionId, false);
        job.Fail(error);
    }

    private void RunEncodes(List<EncodeQueuedJob> batch, long started, int rows)
    {
        var runner = Runner(batch[0].Scheduling.ModelId);
        var contexts = runner.EncodeBatch(batch.Select(j => j.Job).ToList());
        CheckCount(contexts.Count, batch.Count, "EncodeBatch");
        Interlocked.Add(ref _heldContexts, contexts.Count);
        var timingEnd = Stopwatch.GetTimestamp();
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].IsCompleted)
            {
                // Cancelled while encoding: nobody will decode this context.
                runner.ReleaseContext(contexts[i]);
                Interlocked.Decrement(ref _heldContexts);
                continue;
            }
            if (!_unclaimed.Produced(batch[i].Job.JobId, batch[i].Scheduling.ModelId, contexts[i]))
            {
                // Abandoned by its caller while encoding: nobody will decode this context.
                runner.ReleaseContext(contexts[i]);
                Interlocked.Decrement(ref _heldContexts);
            }
            batch[i].Complete((contexts[i], Timing(batch[i], started, timingEnd, rows)));
            Completed(batch[i]);
        }
    }

    private void RunDecodes(List<DecodeQueuedJob> batch, long started, int rows)
    {
        var runner = Runner(batch[0].Scheduling.ModelId);
        var work = new List<(StepJob Job, ContextHandle Context)>(batch.Count);
        foreach (var job in batch)
        {
            if (job.ImportedContext is { } payload) { work.Add((job.Job, runner.ImportContext(payload))); Interlocked.Increment(ref _heldContexts); }
            else { work.Add((job.Job, job.Context!.Value)); _unclaimed.Claimed(job.Context!.Value); }
        }
        var results = runner.DecodeBatch(work);
        Interlocked.Add(ref _heldContexts, -batch.Count);
        CheckCount(results.Count, batch.Count, "DecodeBatch");
        var timingEnd = Stopwatch.GetTimestamp();
        for (var i = 0; i < batch.Count; i++)
        {
            CheckJobId(results[i].JobId, batch[i].Job.JobId);
            _metrics.TokensDecoded.Add(results[i].TokensUnmasked);
            batch[i].Complete((results[i], Timing(batch[i], started, timingEnd, rows)));
            Completed(batch[i]);
        }
    }

    private void RunTokenizes(List<TokenizeQueuedJob> batch, long started, int rows)
    {
        var tokenizer = Tokenizer(batch[0].Scheduling.ModelId);
        // The tokenizer needs one input size per call; a mismatching input fails its own job, not its batch mates.
        var fitting = new List<TokenizeQueuedJob>(batch.Count);
        foreach (var job in batch)
        {
            if (job.Input.Height == tokenizer.ImageSize && job.Input.Width == tokenizer.ImageSize) fitting.Add(job);
            else job.Fail(new ArgumentException($"tokenizer {tokenizer.Name} expects {tokenizer.ImageSize}×{tokenizer.ImageSize} inputs, got {job.Input.Height}×{job.Input.Width}"));
        }
        if (fitting.Count == 0) return;
        var grids = tokenizer.TokenizeBatch(fitting.Select(j => j.Input).ToList());
        CheckCount(grids.Count, fitting.Count, "TokenizeBatch");
        var timingEnd = Stopwatch.GetTimestamp();
        for (var i = 0; i < fitting.Count; i++)
        {
            fitting[i].Complete((grids[i], Timing(fitting[i], started, timingEnd, rows)));
            Completed(fitting[i]);
        }
    }

    private void RunDetokenizes(List<DetokenizeQueuedJob> batch, long started, int rows)
    {
        var tokenizer = Tokenizer(batch[0].Scheduling.ModelId);
        // One DetokenizeBatch call runs one step count; seeds are per image, so grouping does not change any result.
        foreach (var group in batch.GroupBy(j => j.Steps))
        {
            var jobs = group.ToList();
            var maps = tokenizer.DetokenizeBatch(jobs.Select(j => j.TokenGrid).ToList(), group.Key, jobs.Select(j => j.Seed).ToList());
            CheckCount(maps.Count, jobs.Count, "DetokenizeBatch");
            var timingEnd = Stopwatch.GetTimestamp();
            for (var i = 0; i < jobs.Count; i++)
            {
                jobs[i].Complete((maps[i], Timing(jobs[i], started, timingEnd, rows)));
                Completed(jobs[i]);
            }
        }
    }

    private JobTiming Timing(QueuedJob job, long started, long ended, int rows)
    {
        var queue = Stopwatch.GetElapsedTime(job.EnqueuedTimestamp, started);
        _metrics.QueueTime.Record(queue.TotalMilliseconds, new KeyValuePair<string, object?>("kind", job.Kind.ToString()));
        return new JobTiming(queue, Stopwatch.GetElapsedTime(started, ended), rows);
    }

    private void Completed(QueuedJob job)
    {
        Interlocked.Increment(ref _completedJobs);
        _metrics.JobsCompleted.Add(1, new KeyValuePair<string, object?>("kind", job.Kind.ToString()));
    }

    private static void CheckCount(int got, int expected, string call)
    {
        if (got != expected) throw new InvalidOperationException($"runner {call} returned {got} results for {expected} jobs");
    }

    private static void CheckJobId(string got, string expected)
    {
        if (got != expected) throw new InvalidOperationException($"runner returned job '{got}' where '{expected}' was expected (results must keep the jobs' order)");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join(TimeSpan.FromSeconds(30));
        _metrics.Untrack(this);
        foreach (var runner in _runners.Values) (runner as IDisposable)?.Dispose();
        foreach (var tokenizer in _tokenizers.Values) tokenizer.Dispose();
    }
}
