using System.Globalization;
using System.Runtime.InteropServices;

namespace FourM.Model.Runtime;

/// <summary>
/// Memory in use on a CUDA device as its driver counts it: every process and context, what <c>nvidia-smi</c> shows. An operator
/// watches this, not the caching allocator's figure, because other processes and the allocator's reserve both
/// count against the device. TorchSharp 0.107 has no memory query, so this calls the CUDA driver API (libcuda) itself.
/// The query runs in the device's primary context, the one libtorch uses, pushed for the call, so any thread may ask
/// (a metrics collector does). A device whose primary context is not active yet reports nothing: retaining it would
/// create a context, which costs hundreds of MB on the device.
/// </summary>
public static unsafe class DeviceMemory
{
    private static readonly Lazy<CudaDriver?> Driver = new(CudaDriver.Load);

    /// <summary>
    /// Bytes in use on <paramref name="device"/> (<c>cuda</c> or <c>cuda:N</c>); null for any other device, where there is no
    /// CUDA driver, or where this process has not started using the device.
    /// </summary>
    public static long? UsedBytes(string device) =>
        CudaOrdinal(device) is { } ordinal && Driver.Value is { } driver ? driver.UsedBytes(ordinal) : null;

    /// <summary>The CUDA ordinal of a device name: <c>cuda</c> is 0, <c>cuda:N</c> is N; null for other devices.</summary>
    public static int? CudaOrdinal(string device)
    {
        // Case-insensitive, as the serving configuration reads device names (TorchDevices).
        if (device.Equals("cuda", StringComparison.OrdinalIgnoreCase)) return 0;
        if (!device.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase)) return null;
        return int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : null;
    }

    /// <summary>The driver entry points, resolved once; a machine without libcuda, or one that lacks any of them, has none.</summary>
    private sealed class CudaDriver
    {
        private const int Success = 0;

        private readonly delegate* unmanaged<int*, int, int> _deviceGet;
        private readonly delegate* unmanaged<int, uint*, int*, int> _primaryContextState;
        private readonly delegate* unmanaged<IntPtr*, int, int> _primaryContextRetain;
        private readonly delegate* unmanaged<int, int> _primaryContextRelease;
        private readonly delegate* unmanaged<IntPtr, int> _pushContext;
        private readonly delegate* unmanaged<IntPtr*, int> _popContext;
        private readonly delegate* unmanaged<nuint*, nuint*, int> _memoryInfo;

        private CudaDriver(IntPtr library)
        {
            _deviceGet = (delegate* unmanaged<int*, int, int>)NativeLibrary.GetExport(library, "cuDeviceGet");
            _primaryContextState = (delegate* unmanaged<int, uint*, int*, int>)NativeLibrary.GetExport(library, "cuDevicePrimaryCtxGetState");
            _primaryContextRetain = (delegate* unmanaged<IntPtr*, int, int>)NativeLibrary.GetExport(library, "cuDevicePrimaryCtxRetain");
            _primaryContextRelease = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(library, "cuDevicePrimaryCtxRelease_v2");
            _pushContext = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(library, "cuCtxPushCurrent_v2");
            _popContext = (delegate* unmanaged<IntPtr*, int>)NativeLibrary.GetExport(library, "cuCtxPopCurrent_v2");
            _memoryInfo = (delegate* unmanaged<nuint*, nuint*, int>)NativeLibrary.GetExport(library, "cuMemGetInfo_v2");
        }

        public static CudaDriver? Load()
        {
            if (!NativeLibrary.TryLoad("libcuda.so.1", out var library)) return null;
            try
            {
                var init = (delegate* unmanaged<uint, int>)NativeLibrary.GetExport(library, "cuInit");
                // cuInit is idempotent; libtorch has called it wherever a CUDA device is in use.
                return init(0) == Success ? new CudaDriver(library) : null;
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
        }

        public long? UsedBytes(int ordinal)
        {
            int device;
            if (_deviceGet(&device, ordinal) != Success) return null;
            uint flags;
            int active;
            if (_primaryContextState(device, &flags, &active) != Success || active == 0) return null;
            IntPtr context;
            if (_primaryContextRetain(&context, device) != Success) return null;
            try
            {
                if (_pushContext(context) != Success) return null;
                try
                {
                    nuint free, total;
                    return _memoryInfo(&free, &total) == Success ? (long)(total - free) : null;
                }
                finally
                {
                    IntPtr popped;
                    _popContext(&popped);
                }
            }
            finally
            {
                _primaryContextRelease(device);
            }
        }
    }
}
