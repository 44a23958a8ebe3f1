using FourM.ImageTokenizers.Imaging;
using FourM.ImageTokenizers.Runtime;
using FourM.Model.Checkpoints;
using FourM.TestSupport;
using Xunit;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Tests.Golden;

public sealed class DiVaeGoldenTests
{
    [GoldenFact]
    public void Tokens_match_exactly()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.DiVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.DiVaeIo);
        Assert.Equal(TokenizerKind.DiVae, tokenizer.Kind);
        using var tokens = tokenizer.Tokenize(io.ReadTensor("input"));
        TensorAssert.Equal(io.ReadTensor("tokens"), tokens);
    }

    [GoldenFact]
    public void Scheduler_matches_stored_betas_alphas_and_timesteps()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.DiVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.DiVaeIo);
        var scheduler = tokenizer.Scheduler!;
        TensorAssert.Close(io.ReadTensor("betas"), scheduler.Schedule.Betas!, 0);
        TensorAssert.Close(io.ReadTensor("alphas_cumprod"), scheduler.Schedule.AlphasCumprod, 0);
        var stored = io.ReadTensor("scheduler_timesteps");
        Assert.Equal(stored.data<long>().ToArray(), scheduler.Timesteps((int)stored.numel()));
    }

    [GoldenFact]
    public void Single_unet_evaluation_at_t999_matches()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.DiVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.DiVaeIo);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var quant = tokenizer.TokensToLatent(io.ReadTensor("tokens"));
        var output = tokenizer.Unet!.forward(io.ReadTensor("initial_noise"), tensor(new long[] { 999 }), quant);
        TensorAssert.Close(io.ReadTensor("unet_out_t999_on_initial_noise"), output, 1e-4);
    }

    [GoldenFact]
    public void Seeded_generator_reproduces_the_initial_noise()
    {
        using var io = SafetensorsFile.Open(GoldenTokenizers.DiVaeIo);
        var expected = io.ReadTensor("initial_noise");
        using var generator = new Generator((ulong)GoldenTokenizers.DiVaeSeeds.Decoded, CPU);
        using var noise = randn(expected.shape, ScalarType.Float32, CPU, generator: generator);
        TensorAssert.Close(expected, noise, 0);
    }

    [GoldenFact]
    public void Decodes_match_with_the_files_seeds_and_step_count()
    {
        using var tokenizer = ImageTokenizer.Load(GoldenTokenizers.DiVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.DiVaeIo);
        using var scope = NewDisposeScope();
        var steps = (int)io.ReadTensor("scheduler_timesteps").numel();
        var (seed, customSeed) = GoldenTokenizers.DiVaeSeeds;
        TensorAssert.Close(io.ReadTensor("decoded"), tokenizer.Detokenize(io.ReadTensor("tokens"), steps, [seed], 64), 1e-4);
        TensorAssert.Close(io.ReadTensor("decoded_custom_tokens"),
            tokenizer.Detokenize(io.ReadTensor("custom_tokens"), steps, [customSeed], 64), 1e-4);
    }

    [GoldenFact]
    public void Batched_decode_gives_each_image_its_own_seeded_result()
    {
        using var runner = ImageTokenizerRunner.Load(GoldenTokenizers.DiVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.DiVaeIo);
        var steps = (int)io.ReadTensor("scheduler_timesteps").numel();
        var (seed, customSeed) = GoldenTokenizers.DiVaeSeeds;
        var grids = new[] { io.ReadTensor("tokens").data<long>().ToArray(), io.ReadTensor("custom_tokens").data<long>().ToArray() };
        var decoded = runner.DetokenizeBatch(grids, steps, [seed, customSeed]);
        Assert.Equal(2, decoded.Count);
        AssertMatches(io.ReadTensor("decoded"), decoded[0]);
        AssertMatches(io.ReadTensor("decoded_custom_tokens"), decoded[1]);
    }

    [GoldenFact]
    public void Step_batched_jobs_started_at_different_times_match_their_own_goldens()
    {
        using var runner = ImageTokenizerRunner.Load(GoldenTokenizers.DiVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.DiVaeIo);
        var steps = (int)io.ReadTensor("scheduler_timesteps").numel();
        var (seed, customSeed) = GoldenTokenizers.DiVaeSeeds;
        using var first = runner.BeginDetokenize(io.ReadTensor("tokens").data<long>().ToArray(), steps, seed);
        runner.StepDetokenize([first]);
        // A second request arrives mid-way, and a third with a different step count shares the batch.
        using var second = runner.BeginDetokenize(io.ReadTensor("custom_tokens").data<long>().ToArray(), steps, customSeed);
        using var third = runner.BeginDetokenize(io.ReadTensor("tokens").data<long>().ToArray(), steps + 2, 7);
        while (!first.IsDone) runner.StepDetokenize([second, first, third]);
        Assert.Equal(steps - 1, second.StepsDone);
        while (!second.IsDone) runner.StepDetokenize([second, third]);
        while (!third.IsDone) runner.StepDetokenize([third]);
        AssertMatches(io.ReadTensor("decoded"), runner.CompleteDetokenize(first));
        AssertMatches(io.ReadTensor("decoded_custom_tokens"), runner.CompleteDetokenize(second));
        Assert.Throws<InvalidOperationException>(() => runner.StepDetokenize([third]));
    }

    [GoldenFact]
    public void Runner_tokenizes_prepared_arrays()
    {
        using var runner = ImageTokenizerRunner.Load(GoldenTokenizers.DiVae);
        using var io = SafetensorsFile.Open(GoldenTokenizers.DiVaeIo);
        var input = io.ReadTensor("input");
        var prepared = TokenizerInput.FromPixels(3, 64, 64, input.data<float>().ToArray());
        var tokens = runner.TokenizeBatch([prepared, prepared]);
        var expected = io.ReadTensor("tokens").data<long>().ToArray();
        Assert.Equal((4, 4), runner.TokenGrid);
        Assert.Equal(expected, tokens[0]);
        Assert.Equal(expected, tokens[1]);
    }

    private static void AssertMatches(Tensor expected, DecodedMap actual)
    {
        Assert.Equal(expected.shape[1..], new long[] { actual.Channels, actual.Height, actual.Width });
        var reference = expected.data<float>().ToArray();
        var worst = reference.Zip(actual.Values, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-4, $"max abs difference {worst:G4}");
    }
}
