using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace FourM.Cli.Commands;

/// <summary>
/// One dedicated thread for the benchmark's in-process baselines. Torch work for a device belongs on one thread (CUDA graphs,
/// dispose scopes and the current stream are per thread); after an <c>await</c> the command continues on an arbitrary pool
/// thread, so the baselines hand their work to this thread instead.
/// </summary>
public sealed class BenchTorchThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    public BenchTorchThread(string name)
    {
        _thread = new Thread(() => { foreach (var work in _work.GetConsumingEnumerable()) work(); }) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread and waits for it; its exception is rethrown here.</summary>
    public T Run<T>(Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? error = null;
        using var done = new ManualResetEventSlim();
        _work.Add(() =>
        {
            try { result = work(); }
            catch (Exception ex) { error = ExceptionDispatchInfo.Capture(ex); }
            finally { done.Set(); }
        });
        done.Wait();
        error?.Throw();
        return result;
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }
}
