namespace FourM.Tokenizers.Text.Unicode;

/// <summary>Unicode 9.0 canonical decomposition (NFD) of single code points, plus combining classes for reordering.</summary>
internal static class CanonicalDecomposition
{
    private const int HangulBase = 0xAC00, HangulCount = 19 * 21 * 28;
    private const int LeadBase = 0x1100, VowelBase = 0x1161, TrailBase = 0x11A7, VowelCount = 21, TrailCount = 28;

    /// <summary>Writes the full canonical decomposition of <paramref name="c"/> (itself when it has none); returns the count (at most 4 plus Hangul's 3).</summary>
    public static int Decompose(int c, Span<int> destination)
    {
        if (c < 0xC0)
        {
            destination[0] = c;
            return 1;
        }
        if (c is >= HangulBase and < HangulBase + HangulCount)
        {
            int index = c - HangulBase;
            destination[0] = LeadBase + index / (VowelCount * TrailCount);
            destination[1] = VowelBase + index % (VowelCount * TrailCount) / TrailCount;
            int trail = index % TrailCount;
            if (trail == 0) return 2;
            destination[2] = TrailBase + trail;
            return 3;
        }
        int at = UnicodeData9.DecomposedCodePoints.BinarySearch(c);
        if (at < 0)
        {
            destination[0] = c;
            return 1;
        }
        var starts = UnicodeData9.DecompositionStarts;
        var data = UnicodeData9.DecompositionData[starts[at]..starts[at + 1]];
        for (int i = 0; i < data.Length; i++) destination[i] = data[i];
        return data.Length;
    }

    public static byte CombiningClass(int c)
    {
        if (c < 0x300) return 0;
        int at = UnicodeData9.CombiningClassCodePoints.BinarySearch(c);
        return at < 0 ? (byte)0 : UnicodeData9.CombiningClasses[at];
    }

    /// <summary>Longest full decomposition in the table, to size buffers.</summary>
    public const int MaxLength = 4;
}
