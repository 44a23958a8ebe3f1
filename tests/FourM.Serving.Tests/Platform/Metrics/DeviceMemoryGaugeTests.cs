using FourM.Engine.Engine;
using FourM.Engine.Metrics;
using FourM.Model.Runtime;
using FourM.Serving.Tests.Fakes;
using Xunit;

namespace FourM.Serving.Tests.Platform.Metrics;

public sealed class DeviceMemoryGaugeTests
{
    private const string Gauge = "fourm.gpu.memory_used_bytes";

    [Fact]
    public void The_gauge_reports_each_served_device_that_has_a_figure_and_only_while_it_is_served()
    {
        var asked = new List<string>();
        using var metrics = new ServingMetrics(deviceMemory: device =>
        {
            lock (asked) asked.Add(device);
            return device == "cuda:1" ? 3_000_000_000L : null;
        });
        using var recorder = new MeterRecorder(metrics.Meter);
        var factory = new FakeRunnerFactory();
        using (new DeviceEngine("cpu:0", factory, new EngineOptions(), metrics))
        using (new DeviceEngine("cuda:1", factory, new EngineOptions(), metrics))
        {
            recorder.CollectGauges();
            Assert.Equal([3_000_000_000d], recorder.Values(Gauge));
            Assert.Equal("cuda:1", Assert.Single(Assert.Single(recorder.Tags(Gauge)), t => t.Key == "device").Value);
            Assert.Equal(["cpu:0", "cuda:1"], asked.Order());
        }
        // Disposed engines are no longer served: nothing more is asked or reported.
        asked.Clear();
        recorder.CollectGauges();
        Assert.Single(recorder.Values(Gauge));
        Assert.Empty(asked);
    }

    [Theory]
    [InlineData("cuda", 0)]
    [InlineData("cuda:0", 0)]
    [InlineData("cuda:3", 3)]
    [InlineData("cpu", null)]
    [InlineData("cpu:0", null)]
    [InlineData("cuda:x", null)]
    [InlineData("cuda:-1", null)]
    [InlineData("mps", null)]
    [InlineData("CUDA:2", 2)]
    public void Device_names_map_to_cuda_ordinals(string device, int? ordinal) =>
        Assert.Equal(ordinal, DeviceMemory.CudaOrdinal(device));
}
