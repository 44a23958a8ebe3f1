using System.Text;
using FourM.Tokenizers.Text.Unicode;

namespace FourM.Tokenizers.Text.Normalization;

/// <summary>
/// The BERT normaliser of Hugging Face <c>tokenizers</c> (<c>normalizers/bert.rs</c>), applied in its order: clean text
/// (drop NUL, U+FFFD and controls; any whitespace becomes a space), pad CJK ideographs with spaces, strip accents
/// (NFD, then drop non-spacing marks), lower-case (Rust's full lower-case mapping). Streams code points once.
/// </summary>
public sealed class BertNormalizer
{
    public bool CleanText { get; }
    public bool HandleChineseChars { get; }
    /// <summary>The configured value; null means "follow <see cref="Lowercase"/>", as in the reference.</summary>
    public bool? StripAccents { get; }
    public bool Lowercase { get; }

    private readonly bool _stripAccents;

    public BertNormalizer(bool cleanText = true, bool handleChineseChars = true, bool? stripAccents = null, bool lowercase = true)
    {
        CleanText = cleanText;
        HandleChineseChars = handleChineseChars;
        StripAccents = stripAccents;
        Lowercase = lowercase;
        _stripAccents = stripAccents ?? lowercase;
    }

    /// <summary>Normalises <paramref name="text"/>[start, end) into <paramref name="output"/> (cleared first).</summary>
    internal void Normalize(string text, int start, int end, NormalizedText output)
    {
        output.Clear();
        var pending = new PendingMarks();
        int i = start;
        while (i < end)
        {
            int c = text[i];
            int width = 1;
            if (char.IsHighSurrogate((char)c) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
            {
                c = char.ConvertToUtf32((char)c, text[i + 1]);
                width = 2;
            }
            else if (char.IsSurrogate((char)c))
            {
                throw new ArgumentException($"text holds an unpaired UTF-16 surrogate at index {i}; the tokenizer needs valid Unicode", nameof(text));
            }
            int next = i + width;

            if (c < 0x80 && pending.Count == 0)
            {
                AppendAscii(c, i, next, output);
                i = next;
                continue;
            }
            if (CleanText)
            {
                if (c == 0 || c == 0xFFFD || BertCharacterClasses.IsBertControl(c)) { i = next; continue; }
                if (BertCharacterClasses.IsWhiteSpace(c)) c = ' ';
            }
            if (HandleChineseChars && BertCharacterClasses.IsChineseCharacter(c))
            {
                Stage(' ', i, next, output, ref pending);
                Stage(c, i, next, output, ref pending);
                Stage(' ', i, next, output, ref pending);
            }
            else
            {
                Stage(c, i, next, output, ref pending);
            }
            i = next;
        }
        Flush(output, ref pending);
    }

    private void AppendAscii(int c, int start, int end, NormalizedText output)
    {
        if (CleanText)
        {
            if (c is 0 or 0x7F || (c < 0x20 && c is not ('\t' or '\n' or '\r'))) return;
            if (c is >= 0x09 and <= 0x0D) c = ' ';
        }
        if (Lowercase && c is >= 'A' and <= 'Z') c += 32;
        output.Append((char)c, start, end);
    }

    private void Stage(int c, int start, int end, NormalizedText output, ref PendingMarks pending)
    {
        if (!_stripAccents)
        {
            Emit(c, start, end, output);
            return;
        }
        Span<int> parts = stackalloc int[CanonicalDecomposition.MaxLength];
        int count = CanonicalDecomposition.Decompose(c, parts);
        for (int k = 0; k < count; k++)
        {
            int part = parts[k];
            byte combiningClass = CanonicalDecomposition.CombiningClass(part);
            if (combiningClass == 0)
            {
                Flush(output, ref pending);
                Emit(part, start, end, output);
            }
            else
            {
                pending.Add(part, combiningClass, start, end);
            }
        }
    }

    /// <summary>Emits buffered combining marks in canonical order (stable by combining class).</summary>
    private void Flush(NormalizedText output, ref PendingMarks pending)
    {
        if (pending.Count == 0) return;
        pending.SortStable();
        for (int k = 0; k < pending.Count; k++)
        {
            var m = pending[k];
            Emit(m.CodePoint, m.Start, m.End, output);
        }
        pending.Clear();
    }

    private void Emit(int c, int start, int end, NormalizedText output)
    {
        if (_stripAccents && BertCharacterClasses.IsNonspacingMark(c)) return;
        if (Lowercase)
        {
            if (c == 0x130)
            {
                // Rust's char::to_lowercase uses the full mapping: İ becomes i + combining dot above.
                output.Append('i', start, end);
                output.Append('\u0307', start, end);
                return;
            }
            if (c < 0x80) { if (c is >= 'A' and <= 'Z') c += 32; }
            else if (Rune.IsValid(c)) c = Rune.ToLowerInvariant(new Rune(c)).Value;
        }
        output.AppendCodePoint(c, start, end);
    }

    private struct PendingMarks
    {
        public readonly record struct Mark(int CodePoint, byte CombiningClass, int Start, int End);

        private List<Mark>? _marks;
        public readonly int Count => _marks?.Count ?? 0;
        public readonly Mark this[int index] => _marks![index];

        public void Add(int codePoint, byte combiningClass, int start, int end) =>
            (_marks ??= new List<Mark>(4)).Add(new Mark(codePoint, combiningClass, start, end));

        public readonly void Clear() => _marks?.Clear();

        public readonly void SortStable()
        {
            var marks = _marks!;
            for (int i = 1; i < marks.Count; i++)
            {
                var current = marks[i];
                int j = i - 1;
                while (j >= 0 && marks[j].CombiningClass > current.CombiningClass)
                {
                    marks[j + 1] = marks[j];
                    j--;
                }
                marks[j + 1] = current;
            }
        }
    }
}
