using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Sampling;

/// <summary>
/// A managed replica of libtorch's CPU generator (<c>at::CPUGeneratorImpl</c>: MT19937 with libtorch's own stepping), read
/// from and written back to a TorchSharp <see cref="Generator"/> through its state bytes. Draws taken here advance the
/// generator exactly as libtorch's own draws would, so torch calls before and after continue the same stream.
/// </summary>
public sealed class TorchCpuGeneratorStream
{
    private const int StateWords = 624;
    private const int Shift = 397;
    private const uint MatrixA = 0x9908_b0dfu;
    // Offsets in CPUGeneratorImplState (legacy THGeneratorState first): seed u64, left i32, seeded i32, next u64, state u64[624].
    private const int LeftOffset = 8;
    private const int NextOffset = 16;
    private const int StateOffset = 24;
    private const int StateBytes = 5056;

    private readonly byte[] _stateBytes;
    private readonly uint[] _words = new uint[StateWords];
    private int _left;
    private int _next;

    private TorchCpuGeneratorStream(byte[] stateBytes)
    {
        _stateBytes = stateBytes;
        _left = BinaryPrimitives.ReadInt32LittleEndian(stateBytes.AsSpan(LeftOffset));
        _next = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(stateBytes.AsSpan(NextOffset)));
        for (int i = 0; i < StateWords; i++)
            _words[i] = (uint)BinaryPrimitives.ReadUInt64LittleEndian(stateBytes.AsSpan(StateOffset + 8 * i));
    }

    /// <summary>Reads the generator's state; null when its layout is not the one this replica knows (then use torch).</summary>
    public static TorchCpuGeneratorStream? Read(Generator generator)
    {
        using var state = generator.get_state();
        if (state.dtype != ScalarType.Byte || state.numel() != StateBytes) return null;
        var bytes = state.bytes.ToArray();
        int left = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(LeftOffset));
        ulong next = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(NextOffset));
        if (left is < 1 or > StateWords || next > StateWords) return null;
        return new TorchCpuGeneratorStream(bytes);
    }

    /// <summary>Writes the advanced state back, so the generator continues after the draws taken here.</summary>
    public void WriteTo(Generator generator)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_stateBytes.AsSpan(LeftOffset), _left);
        BinaryPrimitives.WriteUInt64LittleEndian(_stateBytes.AsSpan(NextOffset), (ulong)_next);
        for (int i = 0; i < StateWords; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(_stateBytes.AsSpan(StateOffset + 8 * i), _words[i]);
        using var state = torch.tensor(_stateBytes, dtype: ScalarType.Byte);
        generator.set_state(state);
    }

    /// <summary>libtorch's <c>mt19937::operator()</c>: the state is regenerated when <c>left</c> counts down to zero.</summary>
    public uint NextUInt32()
    {
        if (--_left == 0) Regenerate();
        return Temper(_words[_next++]);
    }

    /// <summary><c>CPUGeneratorImpl::random64</c>: the first 32-bit draw is the high half.</summary>
    public ulong NextUInt64()
    {
        ulong high = NextUInt32();
        return (high << 32) | NextUInt32();
    }

    /// <summary>
    /// <c>uniform_real_distribution&lt;double&gt;(0, 1)</c> for each element: the low 53 bits of a 64-bit draw, times 2^-53.
    /// The same draws as calling <see cref="NextUInt64"/> per element, taken a state block at a time.
    /// </summary>
    public void NextUniformDoubles(Span<double> destination)
    {
        const double Scale = 1.0 / (1UL << 53);
        const ulong Mask = (1UL << 53) - 1;
        int i = 0;
        while (i < destination.Length)
        {
            // Whole pairs available without a refill: left counts the draws before the next regeneration, plus one.
            int pairs = Math.Min((_left - 1) / 2, destination.Length - i);
            if (pairs == 0)
            {
                destination[i++] = (NextUInt64() & Mask) * Scale;
                continue;
            }
            ref uint word = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_words), _next);
            ref double target = ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), i);
            for (int k = 0; k < pairs; k++)
            {
                ulong high = Temper(Unsafe.Add(ref word, 2 * k));
                ulong low = Temper(Unsafe.Add(ref word, 2 * k + 1));
                Unsafe.Add(ref target, k) = (((high << 32) | low) & Mask) * Scale;
            }
            _next += 2 * pairs;
            _left -= 2 * pairs;
            i += pairs;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Temper(uint y)
    {
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680u;
        y ^= (y << 15) & 0xefc6_0000u;
        return y ^ (y >> 18);
    }

    private void Regenerate()
    {
        ref uint w = ref MemoryMarshal.GetArrayDataReference(_words);
        int k = 0;
        for (; k < StateWords - Shift; k++)
            Unsafe.Add(ref w, k) = Unsafe.Add(ref w, k + Shift) ^ Twist(Unsafe.Add(ref w, k), Unsafe.Add(ref w, k + 1));
        for (; k < StateWords - 1; k++)
            Unsafe.Add(ref w, k) = Unsafe.Add(ref w, k + Shift - StateWords) ^ Twist(Unsafe.Add(ref w, k), Unsafe.Add(ref w, k + 1));
        Unsafe.Add(ref w, StateWords - 1) = Unsafe.Add(ref w, Shift - 1) ^ Twist(Unsafe.Add(ref w, StateWords - 1), w);
        _left = StateWords;
        _next = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Twist(uint u, uint v) => (((u & 0x8000_0000u) | (v & 0x7fff_ffffu)) >> 1) ^ ((uint)-(int)(v & 1u) & MatrixA);
}
