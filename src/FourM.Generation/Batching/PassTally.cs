namespace FourM.Generation.Batching;

/// <summary>
/// Totals of one kind of device pass (benchmarks): how many ran, their rows, and the tokens they held against the tokens they
/// computed (padding included), which shows whether mixed batches lose time to padding or to extra passes.
/// </summary>
public sealed record PassTally(long Passes, long Rows, long ValidTokens, long PaddedTokens)
{
    public static readonly PassTally Empty = new(0, 0, 0, 0);

    public PassTally Add(int rows, long validTokens, long paddedTokens) =>
        new(Passes + 1, Rows + rows, ValidTokens + validTokens, PaddedTokens + paddedTokens);

    /// <summary>Share of computed token slots that held a real token (1 when nothing was padded).</summary>
    public double Fill => PaddedTokens == 0 ? 1 : (double)ValidTokens / PaddedTokens;
}
