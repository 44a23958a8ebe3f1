using System.Globalization;

namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// A value token <c>v{Axis}={Bin}</c> of the 4M vocabulary: axis 0..3, bin 0..999, written in canonical decimal (the only
/// spellings that exist as single tokens; <c>v0=07</c> is not one).
/// </summary>
public readonly record struct CoordinateToken(int Axis, int Bin)
{
    public const int BinCount = 1000;
    public const int MaxBin = BinCount - 1;

    public override string ToString() => $"v{Axis}={Bin.ToString(CultureInfo.InvariantCulture)}";

    public static CoordinateToken Create(int axis, int bin)
    {
        if (axis is < 0 or > 3) throw new ArgumentOutOfRangeException(nameof(axis), axis, "value token axis must be 0..3");
        if (bin is < 0 or > MaxBin) throw new ArgumentOutOfRangeException(nameof(bin), bin, $"value token bin must be 0..{MaxBin}");
        return new CoordinateToken(axis, bin);
    }

    /// <summary>True when <paramref name="word"/> looks like <c>vK=…</c> (a value token, valid or not).</summary>
    public static bool IsValueWord(string word) => word.Length >= 3 && word[0] == 'v' && word[1] is >= '0' and <= '9' && word[2] == '=';

    /// <summary>Parses a value token; the exception says what is wrong (bad axis, bin outside 0..999, non-canonical digits).</summary>
    public static CoordinateToken Parse(string word, string modality, string where)
    {
        if (!IsValueWord(word) || word.Length < 4)
            throw new SequenceFormatException(modality, $"{where}: expected a value token v0..v3=<0..{MaxBin}>, got '{word}'");
        int axis = word[1] - '0';
        if (axis > 3) throw new SequenceFormatException(modality, $"{where}: '{word}' has axis v{axis}; only v0..v3 exist");
        var digits = word.AsSpan(3);
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int bin) || digits.Length > 4)
            throw new SequenceFormatException(modality, $"{where}: '{word}' has no integer bin");
        if (bin > MaxBin) throw new SequenceFormatException(modality, $"{where}: bin {bin} in '{word}' is outside 0..{MaxBin}");
        if (digits.Length > 1 && digits[0] == '0')
            throw new SequenceFormatException(modality, $"{where}: '{word}' has a leading zero; the vocabulary only has canonical bins");
        return new CoordinateToken(axis, bin);
    }

    /// <summary>Parses a canonical value token without throwing.</summary>
    public static bool TryParse(string word, out CoordinateToken token)
    {
        token = default;
        if (!IsValueWord(word) || word.Length is < 4 or > 6 || word[1] > '3') return false;
        var digits = word.AsSpan(3);
        if (digits.Length > 1 && digits[0] == '0') return false;
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int bin) || bin > MaxBin) return false;
        token = new CoordinateToken(word[1] - '0', bin);
        return true;
    }

    /// <summary>Parses a value token that must be on <paramref name="axis"/>.</summary>
    public static int ParseBin(string word, int axis, string modality, string where)
    {
        var token = Parse(word, modality, where);
        if (token.Axis != axis) throw new SequenceFormatException(modality, $"{where}: expected v{axis}=…, got '{word}'");
        return token.Bin;
    }
}
