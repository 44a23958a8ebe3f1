using System.Runtime.InteropServices;
using static FourM.Model.Runtime.CudaGraphs.CudaGraphNative;

namespace FourM.Model.Runtime.CudaGraphs;

/// <summary>
/// A captured sequence of CUDA kernels that replays with one launch (libtorch's <c>at::cuda::CUDAGraph</c>). Tensors the
/// captured work reads and writes must stay alive, at the same addresses, for as long as the graph: callers capture work on
/// static buffers and refresh their contents before each <see cref="Replay"/>. Captures and replays must run on the thread
/// that owns the device (the engine's torch thread), like every other torch call.
/// </summary>
public sealed unsafe class CudaGraph : IDisposable
{
    private IntPtr _graph;

    private CudaGraph(IntPtr graph) => _graph = graph;

    /// <summary>Null when this process can capture graphs; else why not (CPU build, libtorch without the entry points).</summary>
    public static string? Unsupported => CudaGraphNative.Unavailable;

    /// <summary>Whether <see cref="NewSharedPool"/> can make pools here.</summary>
    public static bool CanSharePools => Unavailable is null && GraphPoolHandle != null;

    /// <summary>
    /// A new memory pool that captures given it share, or null where this libtorch cannot make one (each capture then gets
    /// a private pool). Sharing is safe for graphs that are replayed one at a time on one stream and whose outputs are read
    /// (copied out) before another graph of the pool is replayed: a graph's intermediates are dead once it ends, and its output
    /// stays allocated, so no other capture is handed that memory (PyTorch's <c>torch.cuda.graph(pool=...)</c>).
    /// </summary>
    public static GraphMemoryPool? NewSharedPool()
    {
        if (!CanSharePools) return null;
        var id = GraphPoolHandle();
        return new GraphMemoryPool(id.First, id.Second);
    }

    /// <summary>
    /// Captures the CUDA work <paramref name="issue"/> queues on device <paramref name="deviceIndex"/> (nothing runs while
    /// capturing). Returns null, with the reason in <paramref name="failure"/>, when capturing is unsupported or
    /// <paramref name="issue"/> failed (e.g. an operation that waits for the device); the device is left as it was and the same
    /// work can be issued eagerly instead.
    /// </summary>
    /// <param name="pool">The pool to allocate the capture's memory from (shared with other captures), or null for a private one.</param>
    public static CudaGraph? TryCapture(int deviceIndex, Action issue, out string? failure, GraphMemoryPool? pool = null)
    {
        if (Unavailable is { } unavailable)
        {
            failure = unavailable;
            return null;
        }
        var device = (sbyte)deviceIndex;
        var graph = (IntPtr)NativeMemory.AllocZeroed(GraphObjectBytes);
        Construct(graph, 0);
        var previousDevice = ExchangeDevice(device);
        var previousStream = GetCurrentStream(device);
        // Capturing on the default (legacy) stream is not allowed; a pool stream is. Replays go to the current stream again.
        var captureStream = GetStreamFromPool(0, device);
        SetCurrentStream(captureStream);
        bool began = false;
        try
        {
            CaptureBegin(graph, pool?.First ?? 0, pool?.Second ?? 0, CaptureModeThreadLocal);
            began = true;
            issue();
            CaptureEnd(graph);
            failure = null;
            return new CudaGraph(graph);
        }
        catch (Exception error) when (began)
        {
            // The capture is invalid now: end it through the CUDA runtime (libtorch's capture_end would throw a C++
            // exception through this frame). The half-built graph object is leaked on purpose: its destructor expects a
            // completed capture.
            IntPtr partial = IntPtr.Zero;
            var stream = captureStream;
            RawEndCapture(RawStream(&stream), &partial);
            if (partial != IntPtr.Zero) RawGraphDestroy(partial);
            // Ending an invalidated capture leaves cudaErrorStreamCaptureInvalidated as this thread's last error, and libtorch
            // checks every kernel launch with cudaGetLastError: the next eager op would fail on it (seen on the H200).
            RawGetLastError();
            failure = $"capture failed: {error.Message}";
            return null;
        }
        finally
        {
            SetCurrentStream(previousStream);
            ExchangeDevice(previousDevice);
        }
    }

    /// <summary>Launches the captured work on the device's current stream, after the work queued there before.</summary>
    public void Replay()
    {
        ObjectDisposedException.ThrowIf(_graph == IntPtr.Zero, this);
        CudaGraphNative.Replay(_graph);
    }

    /// <summary>Frees the graph and returns its private memory pool to the caching allocator.</summary>
    public void Dispose()
    {
        if (_graph == IntPtr.Zero) return;
        Destruct(_graph);
        NativeMemory.Free((void*)_graph);
        _graph = IntPtr.Zero;
    }
}

/// <summary>The id of a CUDA graph memory pool that several captures share (<see cref="CudaGraph.NewSharedPool"/>).</summary>
public sealed record GraphMemoryPool(ulong First, ulong Second);
