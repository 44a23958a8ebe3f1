using FourM.Generation.Schedules;
using Xunit;

namespace FourM.Generation.Tests.Schedules;

public sealed class TemperatureScheduleTests
{
    [Fact]
    public void OneOverX_matches_the_specification_vector()
    {
        var actual = TemperatureSchedules.OneOverX(3.0, 0.5, TokenSchedules.Linear(8, 196), 0.5);
        double[] expected = [2.6811, 1.9782, 1.5365, 1.2205, 0.9841, 0.7936, 0.6351, 0.5];
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Fact]
    public void OneOverX_over_one_token_is_undefined_as_in_the_reference()
    {
        Assert.True(double.IsNaN(TemperatureSchedules.OneOverX(3.0, 0.5, [1], 0.5)[0]));
    }

    [Fact]
    public void Linear_matches_the_specification_vector()
    {
        var actual = TemperatureSchedules.Linear(3.0, TokenSchedules.Linear(8, 196));
        double[] expected = [3.0, 2.6173, 2.2347, 1.852, 1.4694, 1.102, 0.7347, 0.3673];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Theory]
    [InlineData("constant", TemperatureScheduleKind.Constant)]
    [InlineData("linear", TemperatureScheduleKind.Linear)]
    [InlineData("onex:0.5:0.25", TemperatureScheduleKind.OneOverX)]
    public void Parses_schedule_names(string name, TemperatureScheduleKind kind) => Assert.Equal(kind, TemperatureSchedule.Parse(name).Kind);

    [Theory]
    [InlineData("cosine")]
    [InlineData("onex:0.5")]
    [InlineData("onex:a:b")]
    public void Rejects_unknown_schedule_names(string name) => Assert.Throws<GenerationPlanException>(() => TemperatureSchedule.Parse(name));
}
