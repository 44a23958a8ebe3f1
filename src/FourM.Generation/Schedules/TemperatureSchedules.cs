namespace FourM.Generation.Schedules;

/// <summary>Temperature per decoding step (the reference's <c>linear_temp_schedule</c> and <c>onex_temp_schedule</c>).</summary>
public static class TemperatureSchedules
{
    private const double Floor = 1e-9;

    public static double[] Constant(double temperature, int numSteps) => Enumerable.Repeat(temperature, numSteps).ToArray();

    /// <summary>Starts at <paramref name="temperature"/> and decays in proportion to the tokens still masked.</summary>
    public static double[] Linear(double temperature, IReadOnlyList<int> tokenSchedule)
    {
        double total = tokenSchedule.Sum();
        var result = new double[tokenSchedule.Count];
        if (result.Length == 0) return result;
        result[0] = Math.Max(temperature * 1.0, Floor);
        double cumulative = 0;
        for (int i = 0; i < result.Length - 1; i++)
        {
            cumulative += tokenSchedule[i];
            result[i + 1] = Clip(temperature * (total - cumulative) / total);
        }
        return result;
    }

    /// <summary>
    /// One-over-x decay from <paramref name="maxTemperature"/> to <paramref name="minTemperature"/>. Like the reference it
    /// samples the 1/x curve at the first <c>n</c> points of a <c>linspace(1, 100, total tokens)</c>, and a single-token
    /// schedule gives NaN (0/0).
    /// </summary>
    public static double[] OneOverX(double maxTemperature, double minTemperature, IReadOnlyList<int> tokenSchedule, double power = 0.5,
        double minLinspace = 1, double maxLinspace = 100)
    {
        int total = tokenSchedule.Sum();
        var y = new double[total];
        double step = total > 1 ? (maxLinspace - minLinspace) / (total - 1) : double.NaN;
        for (int i = 0; i < total; i++)
        {
            double x = total > 1 ? i * step + minLinspace : i * (maxLinspace - minLinspace) + minLinspace;
            if (total > 1 && i == total - 1) x = maxLinspace;
            y[i] = 1 / NumpyScalarPower(x, power);
        }
        if (total > 0)
        {
            double min = y.Min();
            for (int i = 0; i < total; i++) y[i] -= min;
            double max = y.Max();
            for (int i = 0; i < total; i++) y[i] /= max;
        }
        int n = Math.Min(total, tokenSchedule.Count);
        var result = new double[n];
        double cumulative = 0;
        for (int i = 0; i < n; i++)
        {
            cumulative += tokenSchedule[i];
            double unscaled = (1 - cumulative / total) * y[i];
            result[i] = Clip(minTemperature + (maxTemperature - minTemperature) * unscaled);
        }
        return result;
    }

    /// <summary>numpy's array <c>**</c> takes fast paths for a few scalar exponents (0.5 is a square root).</summary>
    private static double NumpyScalarPower(double x, double power) => power switch
    {
        0.5 => Math.Sqrt(x),
        1.0 => x,
        2.0 => x * x,
        -1.0 => 1 / x,
        0.0 => 1.0,
        _ => Math.Pow(x, power),
    };

    // numpy clip keeps NaN.
    private static double Clip(double value) => double.IsNaN(value) ? value : Math.Max(value, Floor);
}
