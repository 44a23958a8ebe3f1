using System.Runtime.InteropServices;

namespace FourM.Model.Modules;

/// <summary>
/// Which kernels torch's <c>scaled_dot_product_attention</c> may choose on CUDA (PyTorch's
/// <c>torch.backends.cuda.enable_{flash,mem_efficient,cudnn,math}_sdp</c>). TorchSharp 0.107 exposes only the flash and math
/// switches, so this calls libtorch's own <c>at::Context</c> setters. The settings are process-wide.
/// </summary>
public static partial class FusedAttentionBackends
{
    private const string Library = "libtorch_cpu";

    /// <summary>
    /// Enables exactly the named kernels (flash, efficient, cudnn, math). 4M's attention lengths change every generation step,
    /// and the cuDNN kernel builds an execution plan for every new shape, so generation wants it off.
    /// </summary>
    public static void Enable(IReadOnlyCollection<string> kernels)
    {
        foreach (var kernel in kernels)
            if (kernel is not ("flash" or "efficient" or "cudnn" or "math"))
                throw new ArgumentException($"unknown attention kernel '{kernel}' (flash, efficient, cudnn, math)", nameof(kernels));
        var context = GlobalContext();
        SetFlash(context, kernels.Contains("flash"));
        SetMemoryEfficient(context, kernels.Contains("efficient"));
        SetCudnn(context, kernels.Contains("cudnn"));
        SetMath(context, kernels.Contains("math"));
    }

    /// <summary>The enabled kernels, e.g. "flash,efficient,math".</summary>
    public static string Describe()
    {
        var context = GlobalContext();
        var enabled = new List<string>();
        if (FlashEnabled(context)) enabled.Add("flash");
        if (MemoryEfficientEnabled(context)) enabled.Add("efficient");
        if (CudnnEnabled(context)) enabled.Add("cudnn");
        if (MathEnabled(context)) enabled.Add("math");
        return string.Join(',', enabled);
    }

    // at::globalContext() returns a reference; the setters are non-virtual members, called with the context as `this`.
    [LibraryImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport(Library, EntryPoint = "_ZN2at7Context14setSDPUseFlashEb")]
    private static partial void SetFlash(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(Library, EntryPoint = "_ZN2at7Context21setSDPUseMemEfficientEb")]
    private static partial void SetMemoryEfficient(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(Library, EntryPoint = "_ZN2at7Context14setSDPUseCuDNNEb")]
    private static partial void SetCudnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(Library, EntryPoint = "_ZN2at7Context13setSDPUseMathEb")]
    private static partial void SetMath(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(Library, EntryPoint = "_ZNK2at7Context19userEnabledFlashSDPEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool FlashEnabled(IntPtr context);

    [LibraryImport(Library, EntryPoint = "_ZNK2at7Context26userEnabledMemEfficientSDPEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool MemoryEfficientEnabled(IntPtr context);

    [LibraryImport(Library, EntryPoint = "_ZNK2at7Context19userEnabledCuDNNSDPEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool CudnnEnabled(IntPtr context);

    [LibraryImport(Library, EntryPoint = "_ZNK2at7Context18userEnabledMathSDPEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool MathEnabled(IntPtr context);
}
