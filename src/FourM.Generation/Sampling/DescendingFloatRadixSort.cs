using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FourM.Generation.Sampling;

/// <summary>
/// Sorts float32 values into descending order: a least-significant-digit radix sort over order-preserving bit keys
/// (three 11-bit digits). It yields the same sequence of values as any correct descending sort; only the order of
/// equal values can differ, and that never changes a value sequence (±0 aside, which compare equal).
/// </summary>
public static class DescendingFloatRadixSort
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;
    private const uint DigitMask = Buckets - 1;

    /// <param name="source">Values to sort (not modified).</param>
    /// <param name="destination">Receives the values in descending order; same length as <paramref name="source"/>.</param>
    /// <param name="scratch">Work space, at least as long as <paramref name="source"/>.</param>
    /// <returns>False when <paramref name="source"/> holds a NaN (NaN has no place in a descending order of values).</returns>
    public static bool Sort(ReadOnlySpan<float> source, Span<float> destination, Span<uint> scratch)
    {
        int n = source.Length;
        if (destination.Length != n || scratch.Length < n) throw new ArgumentException("destination must match source and scratch must be at least as long");
        if (n == 0) return true;
        var keys = MemoryMarshal.Cast<float, uint>(destination);
        Span<int> counts = stackalloc int[3 * Buckets];
        counts.Clear();
        // Unchecked element access (refs): this loop runs over every logit of every sampled row, where bounds checks showed.
        ref uint sourceBits = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(source));
        ref uint key0 = ref MemoryMarshal.GetReference(keys);
        ref int count0 = ref MemoryMarshal.GetReference(counts);
        bool nan = false;
        for (int i = 0; i < n; i++)
        {
            uint bits = Unsafe.Add(ref sourceBits, i);
            nan |= (bits & 0x7FFF_FFFFu) > 0x7F80_0000u;
            uint key = DescendingKey(bits);
            Unsafe.Add(ref key0, i) = key;
            Unsafe.Add(ref count0, (int)(key & DigitMask))++;
            Unsafe.Add(ref count0, Buckets + (int)((key >> DigitBits) & DigitMask))++;
            Unsafe.Add(ref count0, 2 * Buckets + (int)(key >> (2 * DigitBits)))++;
        }
        if (nan) return false;
        var from = keys;
        var to = scratch[..n];
        for (int digit = 0; digit < 3; digit++)
        {
            ref int digitCount0 = ref Unsafe.Add(ref count0, digit * Buckets);
            int shift = digit * DigitBits;
            // A digit every key shares moves nothing: skip the pass (flat logits often share their exponent bits).
            if (Unsafe.Add(ref digitCount0, (int)((from[0] >> shift) & DigitMask)) == n) continue;
            int offset = 0;
            for (int b = 0; b < Buckets; b++)
            {
                int count = Unsafe.Add(ref digitCount0, b);
                Unsafe.Add(ref digitCount0, b) = offset;
                offset += count;
            }
            ref uint fromKey0 = ref MemoryMarshal.GetReference(from);
            ref uint toKey0 = ref MemoryMarshal.GetReference(to);
            for (int i = 0; i < n; i++)
            {
                uint key = Unsafe.Add(ref fromKey0, i);
                ref int slot = ref Unsafe.Add(ref digitCount0, (int)((key >> shift) & DigitMask));
                Unsafe.Add(ref toKey0, slot++) = key;
            }
            var swap = from;
            from = to;
            to = swap;
        }
        ref uint sortedKey0 = ref MemoryMarshal.GetReference(from);
        for (int i = 0; i < n; i++) Unsafe.Add(ref key0, i) = FromDescendingKey(Unsafe.Add(ref sortedKey0, i));
        return true;
    }

    // Ascending unsigned keys for descending floats: flip the sign bit of positives, all bits of negatives, then invert.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint DescendingKey(uint bits) => ~(bits ^ ((uint)((int)bits >> 31) | 0x8000_0000u));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint FromDescendingKey(uint key)
    {
        uint ascending = ~key;
        // Positives carry the sign bit in ascending order (flip it back); negatives lack it (flip every bit back).
        return ascending ^ ((uint)((int)~ascending >> 31) | 0x8000_0000u);
    }
}
