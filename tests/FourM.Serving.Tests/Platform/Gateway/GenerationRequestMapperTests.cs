using FourM.Client;
using FourM.Client.Contracts;
using FourM.Grains.Interfaces.Sessions;
using Xunit;

namespace FourM.Serving.Tests.Platform.Gateway;

public sealed class GenerationRequestMapperTests
{
    private static readonly GenerationRequestLimits Limits = new();

    private static GenerationRequest Valid() => new()
    {
        Inputs = [new GenerationInput { Modality = "caption", Text = "a red bus" }],
        Targets = [new GenerationTarget { Modality = "tok_rgb@224", Steps = 8, TemperatureSchedule = "onex:0.5:2" }],
    };

    [Fact]
    public void MapsAValidRequestFieldByField()
    {
        var mapped = GenerationRequestMapper.ToSessionRequest(Valid() with { Seed = 9, Priority = "Interactive", Mode = "fused" }, "tiny", "tenant-a");

        Assert.Equal(("tiny", "tenant-a", 9L), (mapped.ModelId, mapped.ClientId, mapped.Seed!.Value));
        Assert.Equal((ServingPriority.Interactive, ServingMode.Fused), (mapped.Priority, mapped.Mode));
        var target = Assert.Single(mapped.Targets);
        Assert.Equal((TargetScheme.Roar, 8, "onex:0.5:2"), (target.Scheme, target.DecodingSteps, target.TemperatureSchedule));
        Assert.Equal("a red bus", Assert.Single(mapped.Inputs).Text);
    }

    [Fact]
    public void Base64_image_inputs_arrive_as_bytes_and_are_refused_for_non_image_modalities()
    {
        var png = new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3 };
        var json = $$"""{"inputs":[{"modality":"tok_semseg@224","image":"{{Convert.ToBase64String(png)}}"}],"targets":[{"modality":"tok_rgb@224"}]}""";
        var request = System.Text.Json.JsonSerializer.Deserialize<GenerationRequest>(json, FourMJson.Options)!;

        Assert.Equal(png, Assert.Single(GenerationRequestMapper.ToSessionRequest(request, "tiny", "c").Inputs).Image);

        var wrong = request with { Inputs = [new GenerationInput { Modality = "caption", Image = png }] };
        var errors = Assert.Throws<InvalidGenerationRequestException>(() => GenerationRequestMapper.ToSessionRequest(wrong, "tiny", "c")).Errors;
        Assert.Contains("image modalities only", Assert.Single(errors["inputs[0].image"]));
        var twice = request with { Inputs = [new GenerationInput { Modality = "tok_semseg@224", Image = png, Tokens = [1] }] };
        Assert.Contains("exactly one of", Assert.Single(Assert.Throws<InvalidGenerationRequestException>(() => GenerationRequestMapper.ToSessionRequest(twice, "tiny", "c")).Errors["inputs[0]"]));
    }

    [Fact]
    public void ReportsEveryProblemWithItsField()
    {
        var request = new GenerationRequest
        {
            Inputs =
            [
                new GenerationInput { Modality = "rgb@224", Pixels = new float[12], PixelShape = [3, 2, 3] },
                new GenerationInput { Modality = "caption", Text = "x", Tokens = [1] },
                new GenerationInput { Modality = "caption", Text = "y" },
            ],
            Targets = [new GenerationTarget { Modality = "caption", Steps = 0, Scheme = "diffusion", TemperatureSchedule = "onex:a:b" }],
            TopP = 2,
            Priority = "urgent",
        };

        var errors = GenerationRequestMapper.Validate(request, Limits);

        Assert.Equal(
            ["inputs[0].pixelShape", "inputs[1]", "inputs[2].modality", "priority", "targets[0].modality", "targets[0].scheme",
             "targets[0].steps", "targets[0].temperatureSchedule", "topP"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InvalidRequestThrowsTypedErrors()
    {
        var error = Assert.Throws<InvalidGenerationRequestException>(() =>
            GenerationRequestMapper.ToSessionRequest(Valid() with { Targets = [] }, "tiny", "c"));

        Assert.Contains("targets", error.Errors.Keys);
    }

    [Theory]
    [InlineData(16_385)]
    [InlineData(0)]
    public void TokenCountsOutsideTheLimitsAreRejected(int count)
    {
        var request = Valid() with { Inputs = [new GenerationInput { Modality = "tok_depth@224", Tokens = new long[count] }] };

        Assert.Contains("inputs[0].tokens", GenerationRequestMapper.Validate(request, Limits).Keys);
    }
}
