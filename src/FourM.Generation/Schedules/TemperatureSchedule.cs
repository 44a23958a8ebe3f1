using System.Globalization;

namespace FourM.Generation.Schedules;

public enum TemperatureScheduleKind { Constant, Linear, OneOverX }

/// <summary>A parsed temperature schedule name: <c>constant</c>, <c>linear</c> or <c>onex:{min}:{power}</c>.</summary>
public sealed record TemperatureSchedule(TemperatureScheduleKind Kind, double MinTemperature = 0, double Power = 0.5)
{
    public static TemperatureSchedule Constant { get; } = new(TemperatureScheduleKind.Constant);

    public static TemperatureSchedule Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == "constant") return Constant;
        if (name == "linear") return new(TemperatureScheduleKind.Linear);
        // The reference accepts any name containing 'onex' and reads the two numbers after it.
        if (name.Contains("onex", StringComparison.Ordinal))
        {
            var parts = name.Split(':');
            if (parts.Length != 3
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
                || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var power))
                throw new GenerationPlanException($"temperature schedule '{name}' must look like 'onex:<min>:<power>', e.g. 'onex:0.5:0.5'");
            return new(TemperatureScheduleKind.OneOverX, min, power);
        }
        throw new GenerationPlanException($"unknown temperature schedule '{name}' (expected constant, linear or onex:<min>:<power>)");
    }

    public double[] Build(double temperature, int numSteps, IReadOnlyList<int> tokenSchedule) => Kind switch
    {
        TemperatureScheduleKind.Constant => TemperatureSchedules.Constant(temperature, numSteps),
        TemperatureScheduleKind.Linear => TemperatureSchedules.Linear(temperature, tokenSchedule),
        _ => TemperatureSchedules.OneOverX(temperature, MinTemperature, tokenSchedule, Power),
    };

    public override string ToString() => Kind switch
    {
        TemperatureScheduleKind.Constant => "constant",
        TemperatureScheduleKind.Linear => "linear",
        _ => string.Create(CultureInfo.InvariantCulture, $"onex:{MinTemperature}:{Power}"),
    };
}
