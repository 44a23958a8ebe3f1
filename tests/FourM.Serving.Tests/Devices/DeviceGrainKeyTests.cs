using FourM.Grains.Interfaces.Devices;
using Xunit;

namespace FourM.Serving.Tests.Devices;

/// <summary>Device grain keys with and without a lane, and how sessions spread over lanes.</summary>
public sealed class DeviceGrainKeyTests
{
    private static readonly DeviceAddress Device = new("silo-a", "cuda:0");

    [Fact]
    public void Lane_zero_keeps_the_plain_form_and_other_lanes_append_theirs()
    {
        Assert.Equal("silo-a/cuda:0/owner/4M-7@2", new DeviceGrainKey(Device, "owner/4M-7@2").ToString());
        Assert.Equal("silo-a/cuda:0/owner/4M-7@2,3", new DeviceGrainKey(Device, "owner/4M-7@2", 3).ToString());
        Assert.Equal(new DeviceGrainKey(Device, "owner/4M-7@2", 3), DeviceGrainKey.Parse("silo-a/cuda:0/owner/4M-7@2,3"));
        Assert.Equal(new DeviceGrainKey(Device, "owner/4M-7@2"), DeviceGrainKey.Parse("silo-a/cuda:0/owner/4M-7@2"));
    }

    [Theory]
    [InlineData("silo-a/cuda:0")]
    [InlineData("silo-a/cuda:0/m,")]
    [InlineData("silo-a/cuda:0/m,0")]
    [InlineData("silo-a/cuda:0/m,-2")]
    [InlineData("silo-a/cuda:0/m,x")]
    [InlineData("silo-a/cuda:0/,4")]
    public void Malformed_keys_are_refused(string key) => Assert.Throws<FormatException>(() => DeviceGrainKey.Parse(key));

    [Fact]
    public void Sessions_spread_over_every_lane_and_each_always_takes_the_same_one()
    {
        var sessions = Enumerable.Range(0, 256).Select(i => $"session-{i:x4}").ToList();
        var lanes = sessions.Select(s => DeviceGrainKey.LaneOf(s, 8)).ToList();

        Assert.Equal(Enumerable.Range(0, 8), lanes.Distinct().Order());
        Assert.All(lanes.GroupBy(l => l), g => Assert.InRange(g.Count(), 16, 48));      // 32 each on average
        Assert.Equal(lanes, sessions.Select(s => DeviceGrainKey.LaneOf(s, 8)));
        Assert.All(sessions, s => Assert.Equal(0, DeviceGrainKey.LaneOf(s, 1)));
    }
}
