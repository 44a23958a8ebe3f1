using System.Runtime.InteropServices;

namespace FourM.Model.Runtime;

/// <summary>
/// Asks libtorch's OpenMP runtime to sleep, not spin, between parallel regions. By default its idle workers spin for a
/// while after each region; on a serving host the CPU they burn is taken from the Orleans scheduler, the host's own work
/// on the device thread and, on a CPU device, the next region itself (the tiny CPU generation benchmark ran 15 % faster
/// passive). Must run before the first TorchSharp call, since OpenMP reads the variable once when libtorch loads; an
/// explicit <c>OMP_WAIT_POLICY</c> in the environment wins.
/// </summary>
public static partial class OpenMpWaitPolicy
{
    private const string Variable = "OMP_WAIT_POLICY";

    /// <returns>The policy that will be in force.</returns>
    public static string PreferPassive()
    {
        var existing = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrEmpty(existing) || !OperatingSystem.IsLinux()) return existing ?? "default";
        // .NET keeps its own copy of the environment on Unix: native libraries see only what libc's setenv writes.
        return SetEnv(Variable, "PASSIVE", 0) == 0 ? "PASSIVE" : "default";
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
