using FourM.Generation.Schedules;
using Xunit;

namespace FourM.Generation.Tests.Schedules;

public sealed class TokenScheduleTests
{
    [Fact]
    public void Linear_matches_the_specification_vectors()
    {
        Assert.Equal(Enumerable.Repeat(8, 21).Concat(Enumerable.Repeat(7, 4)), TokenSchedules.Linear(25, 196));
        Assert.Equal(Enumerable.Repeat(4, 49), TokenSchedules.Linear(49, 196));
        Assert.Equal(Enumerable.Repeat(4, 46).Concat(Enumerable.Repeat(3, 4)), TokenSchedules.Linear(50, 196));
        Assert.Equal([25, 25, 25, 25, 24, 24, 24, 24], TokenSchedules.Linear(8, 196));
    }

    [Fact]
    public void Linear_drops_steps_beyond_the_token_count()
    {
        var schedule = TokenSchedules.Linear(10, 3);
        Assert.Equal([1, 1, 1], schedule);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 196)]
    [InlineData(49, 196)]
    [InlineData(13, 784)]
    public void Linear_and_cosine_always_sum_to_the_token_count(int steps, int tokens)
    {
        Assert.Equal(tokens, TokenSchedules.Linear(steps, tokens).Sum());
        Assert.Equal(tokens, TokenSchedules.Cosine(steps, tokens).Sum());
    }

    [Fact]
    public void Cosine_matches_the_specification_vectors()
    {
        Assert.Equal([30, 85, 127, 150, 150, 127, 85, 30], TokenSchedules.Cosine(8, 784));
        Assert.Equal([7, 21, 32, 38, 38, 32, 21, 7], TokenSchedules.Cosine(8, 196));
        Assert.Equal([29, 69, 69, 29], TokenSchedules.Cosine(4, 196));
    }

    [Fact]
    public void Cosine_with_more_steps_than_tokens_goes_negative_like_the_reference()
    {
        Assert.Equal([1, 2, 3, 3, 3, 3, 2, -1], TokenSchedules.Cosine(8, 16));
    }
}
