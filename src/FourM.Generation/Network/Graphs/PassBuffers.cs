using FourM.Generation.Batching;
using static TorchSharp.torch;

namespace FourM.Generation.Network;

/// <summary>Helpers for the static buffers of <see cref="PassGraphs{TBuffers}"/>.</summary>
internal static class PassBuffers
{
    /// <summary>(rows, 1, slots) bool, true past each row's length; rows past the lengths given are fully blocked.</summary>
    public static Tensor Blocked(long[] lengths, long rows, long slots, Device device)
    {
        var blocked = new bool[rows * slots];
        Array.Fill(blocked, true);
        for (int r = 0; r < lengths.Length; r++) Array.Fill(blocked, false, (int)(r * slots), (int)lengths[r]);
        return DeviceArrays.Copy(blocked, [rows, 1, slots], device);
    }
}
