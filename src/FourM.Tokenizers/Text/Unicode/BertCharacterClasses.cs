using System.Globalization;
using System.Text;

namespace FourM.Tokenizers.Text.Unicode;

/// <summary>
/// Character predicates exactly as the reference tokenizer evaluates them: categories from its Unicode 9.0 tables
/// (<see cref="UnicodeData9"/>), whitespace as Rust's <c>char::is_whitespace</c> (the White_Space property), and word
/// characters as the regex crate's Unicode <c>\w</c>.
/// </summary>
internal static class BertCharacterClasses
{
    /// <summary>
    /// Rust <c>char::is_whitespace</c> (the Unicode White_Space property). BERT's own whitespace test adds tab, newline and
    /// carriage return, which this set already holds.
    /// </summary>
    public static bool IsWhiteSpace(int c) => c switch
    {
        >= 0x09 and <= 0x0D or 0x20 or 0x85 or 0xA0 or 0x1680 => true,
        >= 0x2000 and <= 0x200A or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 => true,
        _ => false,
    };

    /// <summary>BERT control: categories Cc, Cf, Co except tab, newline and carriage return.</summary>
    public static bool IsBertControl(int c) => c is not ('\t' or '\n' or '\r') && InRanges(c, UnicodeData9.OtherRanges);

    /// <summary>BERT punctuation: any ASCII punctuation or symbol, or a Unicode 9.0 punctuation category.</summary>
    public static bool IsBertPunctuation(int c)
    {
        if (c < 0x80) return c is >= 0x21 and <= 0x2F or >= 0x3A and <= 0x40 or >= 0x5B and <= 0x60 or >= 0x7B and <= 0x7E;
        return InRanges(c, UnicodeData9.PunctuationRanges);
    }

    public static bool IsNonspacingMark(int c) => c >= 0x300 && InRanges(c, UnicodeData9.NonspacingMarkRanges);

    /// <summary>The CJK ideograph blocks that the BERT normaliser surrounds with spaces.</summary>
    public static bool IsChineseCharacter(int c) =>
        c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;

    /// <summary>
    /// Regex <c>\w</c> (Unicode): Alphabetic, marks, decimal digits, connector punctuation and join controls. Used by the
    /// added-token <c>single_word</c> rule; taken from .NET's tables, which only differ for characters the vocabulary
    /// cannot contain.
    /// </summary>
    public static bool IsWordCharacter(int c)
    {
        if (c < 0x80) return c is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_';
        if (c is 0x200C or 0x200D) return true;
        // Circled and squared letters are So but Other_Alphabetic, hence \w.
        if (c is >= 0x24B6 and <= 0x24E9 or >= 0x1F130 and <= 0x1F149 or >= 0x1F150 and <= 0x1F169 or >= 0x1F170 and <= 0x1F189)
            return true;
        if (!Rune.IsValid(c)) return false;
        return Rune.GetUnicodeCategory(new Rune(c)) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation => true,
            _ => false,
        };
    }

    /// <summary>Binary search in inclusive [first, last] pairs.</summary>
    private static bool InRanges(int c, ReadOnlySpan<int> ranges)
    {
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (c < ranges[2 * mid]) hi = mid - 1;
            else if (c > ranges[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }
}
