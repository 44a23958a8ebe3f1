using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Grains.Registry;
using FourM.Model.Modules;
using Xunit;

namespace FourM.Serving.Tests.Platform.Silo;

/// <summary><c>FourM:Models:N:Attention</c>, <c>MlpLayout</c>, <c>PackedEncoder</c> and <c>AutoregressiveDecoding</c> reach the loaded model; bad values are refused by name.</summary>
public sealed class ModelNumericsSettingsTests
{
    [Theory]
    [InlineData("auto", "auto", AttentionKernel.Exact, MlpLayout.Reference, "auto", AutoregressiveDecoding.GrowingCache)]
    [InlineData("fused", "auto", AttentionKernel.Fused, MlpLayout.Reference, "preallocated", AutoregressiveDecoding.PreallocatedCache)]
    [InlineData("fused", "aligned", AttentionKernel.Fused, MlpLayout.Aligned, "graphs", AutoregressiveDecoding.CudaGraphs)]
    [InlineData("exact", "reference", AttentionKernel.Exact, MlpLayout.Reference, "growing", AutoregressiveDecoding.GrowingCache)]
    public void The_loader_applies_the_entrys_numerics(string attention, string layout, AttentionKernel kernel, MlpLayout mlp,
        string autoregressive, AutoregressiveDecoding decoding)
    {
        var packed = kernel == AttentionKernel.Fused;
        var entry = new ModelEntry
        {
            Id = "micro", Source = "random:micro", Attention = attention, MlpLayout = layout, PackedEncoder = packed, AutoregressiveDecoding = autoregressive,
        };
        entry.Validate();
        var runner = (StepBatchRunner)new FourMModelLoader().Load(entry, null, "cpu");
        var network = (FourMModelNetwork)runner.Network;
        var model = network.Model;
        try
        {
            Assert.Equal(packed, network.PacksEncoderTokens);
            Assert.Equal(kernel, model.Kernel);
            Assert.Equal(mlp, model.MlpLayout);   // auto on CPU: exact attention, the reference layout
            Assert.Equal(decoding, runner.Options.AutoregressiveDecoding);   // auto on CPU: the growing cache
        }
        finally
        {
            model.Dispose();
        }
    }

    [Theory]
    [InlineData("auto", "auto", false, "cuda:0", "attention=fused mlp=aligned encoder=padded autoregressive=graphs decoder-graphs=on encoder-graphs=on")]
    [InlineData("auto", "auto", false, "cpu:0", "attention=exact mlp=reference encoder=padded autoregressive=growing decoder-graphs=off encoder-graphs=off")]
    [InlineData("exact", "auto", true, "cuda:1", "attention=exact mlp=aligned encoder=packed autoregressive=graphs decoder-graphs=on encoder-graphs=on")]
    [InlineData("fused", "reference", false, "cpu:0", "attention=fused mlp=reference encoder=padded autoregressive=growing decoder-graphs=off encoder-graphs=off")]
    public void Deployments_report_the_numerics_their_device_resolves_to(string attention, string layout, bool packed, string device, string expected)
    {
        var entry = new ModelEntry { Id = "micro", Source = "random:micro", Attention = attention, MlpLayout = layout, PackedEncoder = packed };
        Assert.Equal(expected, entry.NumericsOn(device));
    }

    [Fact]
    public void A_decoder_graph_capacity_below_one_is_refused()
    {
        var entry = new ModelEntry { Id = "micro", Source = "random:micro", DecoderGraphCapacity = 0 };
        Assert.Contains("decoder graph capacity 0 must be at least 1", Assert.Throws<ArgumentException>(entry.Validate).Message);
    }

    [Theory]
    [InlineData("decoder", "auto", "cuda:0", "decoder-graphs=on")]
    [InlineData("decoder", "on", "cuda:0", "decoder-graphs=on")]
    [InlineData("decoder", "off", "cuda:0", "decoder-graphs=off")]
    [InlineData("decoder", "on", "cpu:0", "decoder-graphs=off")]   // only CUDA has graphs
    [InlineData("encoder", "auto", "cuda:0", "encoder-graphs=on")]
    [InlineData("encoder", "on", "cuda:0", "encoder-graphs=on")]
    [InlineData("encoder", "off", "cuda:0", "encoder-graphs=off")]
    [InlineData("encoder", "on", "cpu:0", "encoder-graphs=off")]
    public void Pass_graphs_resolve_per_device(string pass, string setting, string device, string expected)
    {
        var entry = pass == "decoder"
            ? new ModelEntry { Id = "micro", Source = "random:micro", DecoderGraphs = setting }
            : new ModelEntry { Id = "micro", Source = "random:micro", EncoderGraphs = setting };
        entry.Validate();
        Assert.Contains(expected, entry.NumericsOn(device).Split(' '));
    }

    [Fact]
    public void An_encoder_graph_capacity_below_one_is_refused()
    {
        var entry = new ModelEntry { Id = "micro", Source = "random:micro", EncoderGraphCapacity = 0 };
        Assert.Contains("encoder graph capacity 0 must be at least 1", Assert.Throws<ArgumentException>(entry.Validate).Message);
    }

    [Theory]
    [InlineData("flash", "auto", "attention 'flash' must be auto, exact or fused")]
    [InlineData("exact", "padded", "mlp layout 'padded' must be auto, reference or aligned")]
    [InlineData("exact", "auto", "autoregressive decoding 'replay' must be auto, graphs, growing or preallocated")]
    [InlineData("exact", "auto", "decoder graphs 'maybe' must be auto, on or off")]
    [InlineData("exact", "auto", "encoder graphs 'sometimes' must be auto, on or off")]
    public void Unknown_values_are_refused_with_the_setting_named(string attention, string layout, string message)
    {
        var entry = new ModelEntry
        {
            Id = "micro", Source = "random:micro", Attention = attention, MlpLayout = layout,
            AutoregressiveDecoding = message.Contains("replay") ? "replay" : "auto",
            DecoderGraphs = message.Contains("maybe") ? "maybe" : "auto",
            EncoderGraphs = message.Contains("sometimes") ? "sometimes" : "auto",
        };
        var error = Assert.Throws<ArgumentException>(entry.Validate);
        Assert.Contains(message, error.Message);
    }
}
