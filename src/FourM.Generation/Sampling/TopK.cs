namespace FourM.Generation.Sampling;

/// <summary>
/// top-k as the reference reads it: an integer keeps k tokens, a float keeps <c>int(f·V)</c> tokens, zero turns it off.
/// A <c>double</c> setting is read as a count when it is a whole number ≥ 1 and as a fraction when it lies in (0, 1).
/// </summary>
public readonly record struct TopK(double Value, bool IsFraction)
{
    public static TopK Off => new(0, false);
    public static TopK Count(int k) => new(k, false);
    public static TopK Fraction(double f) => new(f, true);

    public static TopK FromSetting(double value)
    {
        if (value < 0 || double.IsNaN(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "top-k must be ≥ 0");
        if (value == 0) return Off;
        if (value < 1) return Fraction(value);
        if (value != Math.Floor(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "top-k above 1 must be a whole number of tokens");
        return Count((int)value);
    }

    public bool Enabled => Value > 0;

    /// <summary>The number of tokens kept out of <paramref name="vocabulary"/>.</summary>
    public int Resolve(int vocabulary) => IsFraction
        ? Math.Min((int)(Value * vocabulary), vocabulary)
        : Math.Min((int)Value, vocabulary);
}
