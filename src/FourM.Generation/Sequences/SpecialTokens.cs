namespace FourM.Generation.Sequences;

/// <summary>Special token ids the reference hard-codes in its generation helpers (<c>[S_1]</c> = 5, <c>[S_2]</c> = 6, <c>[EOS]</c> = 3).</summary>
public static class SpecialTokens
{
    public const long Pad = 0;
    public const long Eos = 3;
    public const long FirstSentinel = 5;
    public const long SecondSentinel = 6;
}
