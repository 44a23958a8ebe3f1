namespace FourM.Generation.Schedules;

/// <summary>
/// How many tokens each decoding step unmasks (the reference's <c>fourm/utils/generation.py</c>). The arithmetic copies
/// numpy's order of float64 operations and Python's round-half-to-even so the integer counts match the reference exactly.
/// </summary>
public static class TokenSchedules
{
    /// <summary>
    /// <c>linear_schedule</c>: differences of <c>floor(linspace(0, T, n+1))</c>, sorted descending, trailing zeros trimmed
    /// (so the result has fewer than <paramref name="numSteps"/> entries when there are more steps than tokens).
    /// </summary>
    public static int[] Linear(int numSteps, int totalTokens)
    {
        if (numSteps < 1) throw new ArgumentOutOfRangeException(nameof(numSteps), numSteps, "a token schedule needs at least one step");
        if (totalTokens < 0) throw new ArgumentOutOfRangeException(nameof(totalTokens), totalTokens, "token count must not be negative");
        // numpy.linspace: step = delta / div; y = arange * step + start; y[-1] = stop; then the int cast truncates.
        double step = (double)totalTokens / numSteps;
        var points = new long[numSteps + 1];
        for (int i = 0; i < numSteps; i++) points[i] = (long)(i * step + 0.0);
        points[numSteps] = totalTokens;
        var diffs = new int[numSteps];
        for (int i = 0; i < numSteps; i++) diffs[i] = (int)(points[i + 1] - points[i]);
        Array.Sort(diffs);
        Array.Reverse(diffs);
        int length = diffs.Length;
        while (length > 0 && diffs[length - 1] == 0) length--;
        return diffs[..length];
    }

    /// <summary>
    /// <c>cosine_schedule</c>: <c>round(T·(c_i − c_{i+1}))</c> with <c>c_i = ½(1+cos(πi/n))</c> for all but the last step, which
    /// takes the remainder. With more steps than tokens this yields zeros and even negative counts, as the reference does;
    /// <see cref="ChainedScheduleBuilder"/> rejects plans where that happens.
    /// </summary>
    public static int[] Cosine(int numSteps, int totalTokens)
    {
        if (numSteps < 1) throw new ArgumentOutOfRangeException(nameof(numSteps), numSteps, "a token schedule needs at least one step");
        var c = new double[numSteps];
        for (int i = 0; i < numSteps; i++) c[i] = 0 + 0.5 * (1 - 0) * (1 + Math.Cos(Math.PI * i / numSteps));
        var tokens = new int[numSteps];
        long sum = 0;
        for (int i = 0; i < numSteps - 1; i++)
        {
            tokens[i] = (int)Math.Round(totalTokens * (c[i] - c[i + 1]), MidpointRounding.ToEven);
            sum += tokens[i];
        }
        tokens[numSteps - 1] = (int)(totalTokens - sum);
        return tokens;
    }
}
