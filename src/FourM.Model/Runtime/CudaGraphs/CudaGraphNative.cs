using System.Runtime.InteropServices;

namespace FourM.Model.Runtime.CudaGraphs;

/// <summary>
/// libtorch's own CUDA graph class (<c>at::cuda::CUDAGraph</c>, the one behind PyTorch's <c>torch.cuda.CUDAGraph</c>) and
/// c10's stream functions, reached by their exported C++ symbols: TorchSharp 0.107 exposes neither. Using libtorch's class
/// rather than the raw CUDA graph API matters: its capture routes the caching allocator's allocations into a private pool that
/// stays reserved for the graph, so replays never write into memory that eager work has been handed since.
/// <para>
/// Every entry point is resolved up front with <see cref="NativeLibrary.TryGetExport"/>: a libtorch without them (the CPU
/// build, another release whose signatures changed) is reported as unsupported instead of failing mid-generation. The calls
/// follow the x86-64 System V C++ ABI: <c>this</c> first, <c>c10::cuda::CUDAStream</c> (16 bytes, trivially copyable) and
/// <c>std::pair&lt;unsigned long long, unsigned long long&gt;</c> in two integer registers each.
/// </para>
/// </summary>
internal static unsafe class CudaGraphNative
{
    /// <summary><c>cudaStreamCaptureModeThreadLocal</c>: only this thread is barred from unsafe CUDA calls during a capture,
    /// so other devices' engine threads in the same process keep working.</summary>
    public const int CaptureModeThreadLocal = 1;

    /// <summary>
    /// Room for one <c>at::cuda::CUDAGraph</c> (its size is not exported; about 200 bytes in PyTorch 2.11, checked with
    /// <c>sizeof</c> against its headers). Allocated zeroed and generously so a release that adds members still fits.
    /// </summary>
    public const int GraphObjectBytes = 4096;

    /// <summary><c>c10::cuda::CUDAStream</c>: a <c>c10::Stream</c> (device type, device index, stream id).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CudaStream
    {
        public sbyte DeviceType;
        public sbyte DeviceIndex;
        public long Id;
    }

    /// <summary><c>at::cuda::MempoolId_t</c>, a <c>std::pair&lt;unsigned long long, unsigned long long&gt;</c>; (0, 0) asks
    /// a capture for a private pool.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MempoolId
    {
        public ulong First;
        public ulong Second;
    }

    public static readonly delegate* unmanaged<IntPtr, byte, void> Construct;
    public static readonly delegate* unmanaged<IntPtr, void> Destruct;
    public static readonly delegate* unmanaged<IntPtr, ulong, ulong, int, void> CaptureBegin;
    public static readonly delegate* unmanaged<IntPtr, void> CaptureEnd;
    public static readonly delegate* unmanaged<IntPtr, void> Replay;
    public static readonly delegate* unmanaged<byte, sbyte, CudaStream> GetStreamFromPool;
    public static readonly delegate* unmanaged<sbyte, CudaStream> GetCurrentStream;
    public static readonly delegate* unmanaged<CudaStream, void> SetCurrentStream;
    public static readonly delegate* unmanaged<CudaStream*, IntPtr> RawStream;
    public static readonly delegate* unmanaged<sbyte, sbyte> ExchangeDevice;
    public static readonly delegate* unmanaged<IntPtr, IntPtr*, int> RawEndCapture;
    public static readonly delegate* unmanaged<IntPtr, int> RawGraphDestroy;
    public static readonly delegate* unmanaged<int> RawGetLastError;
    /// <summary><c>at::cuda::graph_pool_handle()</c>: a new memory pool id that several captures can share (the one behind
    /// <c>torch.cuda.graph_pool_handle()</c>). Optional: null where this libtorch does not export it (captures then get
    /// private pools).</summary>
    public static readonly delegate* unmanaged<MempoolId> GraphPoolHandle;

    /// <summary>Why graphs are unavailable in this process, or null when every entry point was found.</summary>
    public static readonly string? Unavailable;

    static CudaGraphNative()
    {
        var missing = new List<string>();
        IntPtr torchCuda = Load(missing, "libtorch_cuda.so");
        IntPtr c10Cuda = Load(missing, "libc10_cuda.so");
        IntPtr cudaRuntime = Load(missing, "libcudart.so.13", "libcudart.so.12", "libcudart.so");
        if (missing.Count > 0)
        {
            Unavailable = "not found: " + string.Join(", ", missing);
            return;
        }
        Construct = (delegate* unmanaged<IntPtr, byte, void>)Export(missing, torchCuda, "_ZN2at4cuda9CUDAGraphC1Eb");
        Destruct = (delegate* unmanaged<IntPtr, void>)Export(missing, torchCuda, "_ZN2at4cuda9CUDAGraphD1Ev");
        CaptureBegin = (delegate* unmanaged<IntPtr, ulong, ulong, int, void>)Export(missing, torchCuda, "_ZN2at4cuda9CUDAGraph13capture_beginESt4pairIyyE21cudaStreamCaptureMode");
        CaptureEnd = (delegate* unmanaged<IntPtr, void>)Export(missing, torchCuda, "_ZN2at4cuda9CUDAGraph11capture_endEv");
        Replay = (delegate* unmanaged<IntPtr, void>)Export(missing, torchCuda, "_ZN2at4cuda9CUDAGraph6replayEv");
        GetStreamFromPool = (delegate* unmanaged<byte, sbyte, CudaStream>)Export(missing, c10Cuda, "_ZN3c104cuda17getStreamFromPoolEba");
        GetCurrentStream = (delegate* unmanaged<sbyte, CudaStream>)Export(missing, c10Cuda, "_ZN3c104cuda20getCurrentCUDAStreamEa");
        SetCurrentStream = (delegate* unmanaged<CudaStream, void>)Export(missing, c10Cuda, "_ZN3c104cuda20setCurrentCUDAStreamENS0_10CUDAStreamE");
        RawStream = (delegate* unmanaged<CudaStream*, IntPtr>)Export(missing, c10Cuda, "_ZNK3c104cuda10CUDAStream6streamEv");
        ExchangeDevice = (delegate* unmanaged<sbyte, sbyte>)Export(missing, c10Cuda, "_ZN3c104cuda14ExchangeDeviceEa");
        RawEndCapture = (delegate* unmanaged<IntPtr, IntPtr*, int>)Export(missing, cudaRuntime, "cudaStreamEndCapture");
        RawGraphDestroy = (delegate* unmanaged<IntPtr, int>)Export(missing, cudaRuntime, "cudaGraphDestroy");
        RawGetLastError = (delegate* unmanaged<int>)Export(missing, cudaRuntime, "cudaGetLastError");
        if (missing.Count > 0) Unavailable = "missing entry points: " + string.Join(", ", missing);
        else if (NativeLibrary.TryGetExport(torchCuda, "_ZN2at4cuda17graph_pool_handleEv", out var poolHandle))
            GraphPoolHandle = (delegate* unmanaged<MempoolId>)poolHandle;
    }

    private static IntPtr Load(List<string> missing, params string[] names)
    {
        foreach (var name in names)
            if (NativeLibrary.TryLoad(name, out var handle)) return handle;
        missing.Add(names[0]);
        return IntPtr.Zero;
    }

    private static IntPtr Export(List<string> missing, IntPtr library, string symbol)
    {
        if (NativeLibrary.TryGetExport(library, symbol, out var address)) return address;
        missing.Add(symbol);
        return IntPtr.Zero;
    }
}
