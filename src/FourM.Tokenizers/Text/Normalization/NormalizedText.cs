namespace FourM.Tokenizers.Text.Normalization;

/// <summary>
/// A normalised piece of text and, for each of its UTF-16 units, the [start, end) range in the original string it came
/// from, so token offsets can point back into the user's text. Reused between calls to avoid per-call allocations.
/// </summary>
internal sealed class NormalizedText
{
    private char[] _chars = new char[256];
    private int[] _starts = new int[256];
    private int[] _ends = new int[256];

    public int Length { get; private set; }
    public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);
    public char this[int index] => _chars[index];
    public int OriginalStart(int index) => _starts[index];
    public int OriginalEnd(int index) => _ends[index];

    public void Clear() => Length = 0;

    public void Append(char c, int originalStart, int originalEnd)
    {
        if (Length == _chars.Length) Grow();
        _chars[Length] = c;
        _starts[Length] = originalStart;
        _ends[Length] = originalEnd;
        Length++;
    }

    public void AppendCodePoint(int codePoint, int originalStart, int originalEnd)
    {
        if (codePoint < 0x10000)
        {
            Append((char)codePoint, originalStart, originalEnd);
            return;
        }
        int v = codePoint - 0x10000;
        Append((char)(0xD800 + (v >> 10)), originalStart, originalEnd);
        Append((char)(0xDC00 + (v & 0x3FF)), originalStart, originalEnd);
    }

    /// <summary>Fills this with <paramref name="text"/>[start, end) unchanged (tokenizers without a normaliser).</summary>
    public void SetIdentity(string text, int start, int end)
    {
        Clear();
        for (int i = start; i < end; i++) Append(text[i], i, i + 1);
    }

    private void Grow()
    {
        int size = _chars.Length * 2;
        Array.Resize(ref _chars, size);
        Array.Resize(ref _starts, size);
        Array.Resize(ref _ends, size);
    }
}
