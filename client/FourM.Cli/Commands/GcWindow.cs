using System.Globalization;

namespace FourM.Cli.Commands;

/// <summary>
/// Garbage collections and their pause time since the window opened: a collection stops every managed thread, the device
/// thread issuing kernels included, so pauses during a run are time the device may sit idle.
/// </summary>
public sealed class GcWindow
{
    private readonly int[] _collections = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
    private readonly TimeSpan _pause = GC.GetTotalPauseDuration();
    // Precise: under server GC the cheap count lags by whole allocation contexts per heap (it read 0 MB for a whole run).
    private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: true);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"GC gen0/1/2 {GC.CollectionCount(0) - _collections[0]}/{GC.CollectionCount(1) - _collections[1]}/{GC.CollectionCount(2) - _collections[2]}, " +
        $"pause {(GC.GetTotalPauseDuration() - _pause).TotalMilliseconds:0} ms, allocated {Allocated(GC.GetTotalAllocatedBytes(precise: true) - _allocated)} " +
        $"({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)");

    // Under server GC's dynamic heap count (DATAS) .NET 10 sums the count over the active heaps only, so it drops when a
    // heap is retired (dotnet/runtime#131069): a negative difference is that defect, not a figure.
    private static string Allocated(long bytes) =>
        bytes < 0 ? "n/a (the runtime's count went backwards)" : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0} MB");
}
