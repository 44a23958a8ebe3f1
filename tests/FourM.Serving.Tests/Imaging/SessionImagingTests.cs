using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;
using FourM.ImageTokenizers.Imaging;
using FourM.ImageTokenizers.Runtime;
using FourM.Serving.Tests.RealModel;
using FourM.TestSupport;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Serving.Tests.Imaging;

/// <summary>Image inputs tokenized and image outputs rendered by the session grain on the device engine.</summary>
[Collection(ImagingClusterCollection.Name)]
public sealed class SessionImagingTests(ImagingClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private const string Semseg = ImagingClusterFixture.Modality;

    private static long[] RandomTokens(int count, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)random.Next(vocabulary)).ToArray();
    }

    private static SessionRequest DepthToSemseg(long seed, ModalityInput? input = null) => new()
    {
        ModelId = GoldenModelClusterFixture.Model,
        Inputs = [input ?? new ModalityInput { Modality = "tok_depth@224", Tokens = RandomTokens(196, 8192, (int)seed) }],
        Targets = [new TargetSchedule { Modality = input is null ? Semseg : "tok_depth@224", Scheme = TargetScheme.Roar, DecodingSteps = 2, Temperature = 1.0 }],
        Seed = seed,
        ClientId = $"imaging-{seed}",
    };

    private async Task<SessionResult> Run(string sessionId, SessionRequest request)
    {
        var session = fixture.Client.GetGrain<IGenerationSessionGrain>(sessionId);
        await session.Start(request);
        var result = await session.WaitForCompletion().WaitAsync(Patience);
        Assert.Equal(SessionPhase.Completed, result.Status.Phase);
        return result;
    }

    /// <summary>The in-process reference: the same tokenizer file decoded alone (batch 1) and rendered.</summary>
    private byte[] RenderInProcess(long[] tokens, long seed)
    {
        using var runner = ImageTokenizerRunner.Load(fixture.TokenizerPath, CPU, ScalarType.Float32, imageSize: 224);
        var map = runner.DetokenizeBatch([tokens], steps: 25, seeds: [seed]).Single();
        return OutputRendering.Render(map, ImageModality.Semseg).Png;
    }

    private static byte[] Pixels(byte[] png)
    {
        using var image = Image.Load<Rgb24>(png);
        var pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        Assert.Equal((224, 224), (image.Width, image.Height));
        return pixels;
    }

    private async Task<DeviceLoad> Load() =>
        await fixture.Client.GetGrain<IDeviceGrain>(new DeviceAddress(fixture.Cluster.Silos[0].Name, GoldenModelClusterFixture.Device).ToString()).GetLoad();

    [GoldenFact]
    public async Task Output_png_equals_rendering_the_in_process_detokenization_of_the_same_tokens()
    {
        var result = await Run("imaging-out", DepthToSemseg(21));
        var tokens = result.Modalities.Single(m => m.Modality == Semseg).Tokens;

        var png = await fixture.Client.GetGrain<IGenerationSessionGrain>("imaging-out").GetOutputPng(Semseg);

        Assert.Equal(Pixels(RenderInProcess(tokens, 21)), Pixels(png));
        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => fixture.Client.GetGrain<IGenerationSessionGrain>("imaging-out").GetOutputPng("tok_rgb@224"));
        Assert.Contains("tok_rgb@224", unknown.Message);
        var untokenized = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Client.GetGrain<IGenerationSessionGrain>("imaging-out").GetOutputPng("tok_depth@224"));
        Assert.Contains("no image tokenizer is configured for 'tok_depth@224'", untokenized.Message);
    }

    [GoldenFact]
    public async Task Concurrent_output_requests_of_two_sessions_share_a_batch_and_match_their_lone_decodes()
    {
        var first = await Run("imaging-a", DepthToSemseg(31));
        var second = await Run("imaging-b", DepthToSemseg(32));
        var before = await Load();

        var pngs = await Task.WhenAll(
            fixture.Client.GetGrain<IGenerationSessionGrain>("imaging-a").GetOutputPng(Semseg),
            fixture.Client.GetGrain<IGenerationSessionGrain>("imaging-b").GetOutputPng(Semseg));

        var after = await Load();
        Assert.Equal(2, after.CompletedJobs - before.CompletedJobs);
        Assert.Equal(1, after.Batches - before.Batches);   // both decodes ran in one tokenizer batch
        Assert.Equal(Pixels(RenderInProcess(first.Modalities.Single(m => m.Modality == Semseg).Tokens, 31)), Pixels(pngs[0]));
        Assert.Equal(Pixels(RenderInProcess(second.Modalities.Single(m => m.Modality == Semseg).Tokens, 32)), Pixels(pngs[1]));
    }

    [GoldenFact]
    public async Task Image_input_is_tokenized_like_the_in_process_tokenizer()
    {
        var random = new Random(41);
        var classes = new byte[224 * 224];
        for (var i = 0; i < classes.Length; i++) classes[i] = (byte)((i / 224 / 56 * 4 + i % 224 / 56 + random.Next(2)) % 16);
        var png = PngEncoding.Encode(new ByteImage(224, 224, 1, classes));

        var result = await Run("imaging-in", DepthToSemseg(41, new ModalityInput { Modality = Semseg, Image = png }));

        using var runner = ImageTokenizerRunner.Load(fixture.TokenizerPath, CPU, ScalarType.Float32, imageSize: 224);
        var expected = runner.TokenizeBatch([new ImagePreparation().ForTokenizer(png, ImageModality.Semseg, 224)]).Single();
        Assert.Equal(expected, result.Modalities.Single(m => m.Modality == Semseg).Tokens);
    }

    [GoldenFact]
    public async Task Rgb_image_input_becomes_the_same_pixels_as_preparing_it_in_process()
    {
        var random = new Random(61);
        var rgb = new byte[224 * 224 * 3];
        random.NextBytes(rgb);
        var png = PngEncoding.Encode(new ByteImage(224, 224, 3, rgb));
        var pixels = new ImagePreparation().ForModelRgb(png).Pixels!;

        var fromImage = await Run("imaging-rgb-image", DepthToSemseg(61, new ModalityInput { Modality = "rgb@224", Image = png }) with { ClientId = "imaging-rgb-1" });
        var fromPixels = await Run("imaging-rgb-pixels", DepthToSemseg(61, new ModalityInput { Modality = "rgb@224", Pixels = pixels, PixelShape = [3, 224, 224] }) with { ClientId = "imaging-rgb-2" });

        var otherPixels = pixels.Select(p => -p).ToArray();
        var fromOther = await Run("imaging-rgb-other", DepthToSemseg(61, new ModalityInput { Modality = "rgb@224", Pixels = otherPixels, PixelShape = [3, 224, 224] }) with { ClientId = "imaging-rgb-3" });

        // Same seed and same conditioning pixels: the generated depth tokens agree exactly (and the pixels do matter).
        long[] Depth(SessionResult result) => result.Modalities.Single(m => m.Modality == "tok_depth@224").Tokens;
        Assert.Equal(Depth(fromPixels), Depth(fromImage));
        Assert.NotEqual(Depth(fromOther), Depth(fromImage));
    }

    [GoldenFact]
    public async Task Malformed_image_input_is_refused_clearly_and_the_silo_keeps_serving()
    {
        var garbage = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5 };
        var session = fixture.Client.GetGrain<IGenerationSessionGrain>("imaging-bad");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => session.Start(DepthToSemseg(51, new ModalityInput { Modality = Semseg, Image = garbage })));

        Assert.Contains("image input refused", error.Message);
        Assert.Equal(SessionPhase.Created, (await session.GetStatus()).Phase);
        await Run("imaging-after-bad", DepthToSemseg(52));
    }
}
