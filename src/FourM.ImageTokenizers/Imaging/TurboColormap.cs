namespace FourM.ImageTokenizers.Imaging;

/// <summary>
/// The Turbo colour map (Mikhailov, Google 2019) that the reference uses for depth, via its published degree-5
/// polynomial fit (within a few 1/255 of the lookup table, except at the dark-red end).
/// </summary>
public static class TurboColormap
{
    private static readonly double[] Red = [0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943];
    private static readonly double[] Green = [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604];
    private static readonly double[] Blue = [0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973];

    /// <summary>The colour for <paramref name="value"/> in [0, 1] (clamped), each channel in [0, 1].</summary>
    public static (double R, double G, double B) Map(double value)
    {
        var x = double.IsNaN(value) ? 0 : Math.Clamp(value, 0, 1);
        return (Evaluate(Red, x), Evaluate(Green, x), Evaluate(Blue, x));
    }

    private static double Evaluate(double[] coefficients, double x)
    {
        double result = 0, power = 1;
        foreach (var c in coefficients)
        {
            result += c * power;
            power *= x;
        }
        return Math.Clamp(result, 0, 1);
    }
}
