using FourM.ImageTokenizers.Checkpoints;
using FourM.ImageTokenizers.Configuration;
using FourM.ImageTokenizers.Diffusion;
using FourM.ImageTokenizers.Diffusion.Scheduling;
using FourM.ImageTokenizers.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers;

/// <summary>The decoder family of a tokenizer.</summary>
public enum TokenizerKind
{
    /// <summary>Deterministic ViT/MLP decoder (semseg, CLIP, DINOv2, ImageBind, global embeddings).</summary>
    VqVae,
    /// <summary>Diffusion decoder (RGB, depth, normals, edges): sampling, so seeds and step counts matter.</summary>
    DiVae,
}

/// <summary>
/// A loaded 4M image tokenizer (VQ-VAE or DiVAE) on one device: tokens from prepared inputs, and inputs back from tokens.
/// Tensors in and out are on <see cref="Device"/>; inputs must already be normalised for the modality
/// (see <see cref="Imaging.ModalityNormalization"/>). Not thread-safe: one caller at a time (the engine serialises).
/// </summary>
public sealed class ImageTokenizer : IDisposable
{
    private readonly nn.Module _model;
    private readonly VqEncoder _encoder;
    private readonly VqVaeModel? _vqvae;
    private readonly DiVaeModel? _divae;
    private readonly DiffusionDecoder? _diffusion;

    private ImageTokenizer(string name, TokenizerConfig config, nn.Module model, VqEncoder encoder, VqVaeModel? vqvae,
        DiVaeModel? divae, DiffusionDecoder? diffusion, LoadReport report, Device device, ScalarType dtype)
    {
        Name = name;
        Config = config;
        _model = model;
        _encoder = encoder;
        _vqvae = vqvae;
        _divae = divae;
        _diffusion = diffusion;
        Report = report;
        Device = device;
        DType = dtype;
    }

    public string Name { get; }
    public TokenizerConfig Config { get; }
    public LoadReport Report { get; }
    public Device Device { get; }
    public ScalarType DType { get; }
    public TokenizerKind Kind => _divae is null ? TokenizerKind.VqVae : TokenizerKind.DiVae;

    /// <summary>The resolution the tokenizer was configured for (inputs are resized to this).</summary>
    public int ImageSize => Config.ImageSize;

    /// <summary>Channels of the image the decoder produces (class count for segmentation logits).</summary>
    public long OutputChannels => _vqvae?.OutChannels ?? Config.ChannelCount;

    /// <summary>Input channels, or null when the input is a class-index map.</summary>
    public int? InputChannels => _encoder.TakesClassMap ? null : Config.ChannelCount;

    public bool TakesClassMap => _encoder.TakesClassMap;
    public long VocabularySize => _encoder.Quantizer.CodebookSize;

    /// <summary>Pixels per token side of the encoder (16 for the released image tokenizers).</summary>
    public int EncoderPatchSize => Config.PatchSize;

    /// <summary>The scheduler of a DiVAE (null for a VQ-VAE).</summary>
    public DdpmScheduler? Scheduler => _diffusion?.Scheduler;

    /// <summary>The UNet of a DiVAE, for single-evaluation checks (null for a VQ-VAE).</summary>
    public Diffusion.Unet.PatchedUnet? Unet => _divae?.Unet;

    /// <summary>Loads a tokenizer from a <c>.safetensors</c> file (config in its metadata) or a Hugging Face folder.</summary>
    public static ImageTokenizer Load(string path, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        device ??= CPU;
        using var checkpoint = TokenizerCheckpoint.Open(path);
        var config = checkpoint.Config;
        var shapes = checkpoint.Shapes;
        nn.Module model;
        VqEncoder encoder;
        VqVaeModel? vqvae = null;
        DiVaeModel? divae = null;
        DiffusionDecoder? diffusion = null;
        try
        {
            if (shapes.Has("decoder.time_embed.0.weight"))
            {
                divae = new DiVaeModel(config, shapes);
                (model, encoder) = (divae, divae.Encoder);
            }
            else
            {
                vqvae = new VqVaeModel(config, shapes);
                (model, encoder) = (vqvae, vqvae.Encoder);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or ArgumentException)
        {
            throw new TokenizerLoadException($"{checkpoint.Name}: {ex.Message}", ex);
        }
        try
        {
            model.eval();
            var report = WeightLoader.Load(model, checkpoint.File);
            if (device.type != DeviceType.CPU || dtype != ScalarType.Float32) model.to(device, dtype);
            if (divae is not null) diffusion = new DiffusionDecoder(divae.Unet, CreateScheduler(config, checkpoint.Name));
            return new ImageTokenizer(checkpoint.Name, config, model, encoder, vqvae, divae, diffusion, report, device, dtype);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static DdpmScheduler CreateScheduler(TokenizerConfig config, string name)
    {
        try
        {
            return new DdpmScheduler(DdpmSettings.FromConfig(config));
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
        {
            throw new TokenizerLoadException($"{name}: {ex.Message}", ex);
        }
    }

    /// <summary>The latent grid the encoder produces for an image of this size.</summary>
    public (int Height, int Width) TokenGrid(int imageHeight, int imageWidth) =>
        (imageHeight / EncoderPatchSize, imageWidth / EncoderPatchSize);

    /// <summary>Prepared input → the encoder's output, before the projection to the latent (B, width, h, w).</summary>
    public Tensor EncoderFeatures(Tensor input)
    {
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        return _encoder.EncodeFeatures(PrepareInput(input)).MoveToOuterDisposeScope();
    }

    /// <summary>Prepared input → continuous latents before quantization (B, D, h, w).</summary>
    public Tensor EncodeLatent(Tensor input)
    {
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        return _encoder.Encode(PrepareInput(input)).MoveToOuterDisposeScope();
    }

    /// <summary>Prepared input → tokens (B, h, w) int64.</summary>
    public Tensor Tokenize(Tensor input)
    {
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        return _encoder.Quantizer.Tokenize(_encoder.Encode(PrepareInput(input))).MoveToOuterDisposeScope();
    }

    /// <summary>Tokens → the quantized latents the decoder consumes (B, D, h, w).</summary>
    public Tensor TokensToLatent(Tensor tokens)
    {
        using var _ = inference_mode();
        return _encoder.Quantizer.Embed(tokens.to(ScalarType.Int64).to(Device));
    }

    /// <summary>
    /// Tokens → decoder output (B, C, H, W) float32: class logits for segmentation, the map for other VQ-VAEs, and the
    /// sampled image (about [-1, 1]) for a DiVAE, using <paramref name="steps"/> DDPM steps and one seed per image.
    /// </summary>
    public Tensor Detokenize(Tensor tokens, int steps = 25, IReadOnlyList<long>? seeds = null, int? imageSize = null)
    {
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        var latent = _encoder.Quantizer.Embed(tokens.to(ScalarType.Int64).to(Device)).to(DType);
        Tensor output;
        if (_diffusion is not null)
        {
            var batch = latent.shape[0];
            seeds ??= Enumerable.Range(0, (int)batch).Select(i => (long)i).ToArray();
            var height = imageSize ?? (int)(latent.shape[2] * EncoderPatchSize);
            var width = imageSize ?? (int)(latent.shape[3] * EncoderPatchSize);
            output = _diffusion.Decode(latent, height, width, steps, seeds);
        }
        else
        {
            output = _vqvae!.DecodeLatent(latent);
        }
        return output.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Starts a step-wise diffusion decode of one token grid (h, w) or (1, h, w); advance it with
    /// <see cref="StepDetokenize"/>, batched with any other jobs of the same image size, then read
    /// <see cref="FinishDetokenize"/>. The caller owns (disposes) the job.
    /// </summary>
    public DiffusionDecodeJob StartDetokenize(Tensor tokens, int steps, long seed, int? imageSize = null)
    {
        var diffusion = _diffusion ?? throw new InvalidOperationException($"{Name} is not a diffusion tokenizer; use Detokenize");
        using var _ = inference_mode();
        using var scope = NewDisposeScope();
        var grid = tokens.dim() == 2 ? tokens.unsqueeze(0) : tokens;
        if (grid.dim() != 3 || grid.shape[0] != 1) throw new ArgumentException($"{Name}: a decode job takes one token grid, got [{string.Join(", ", tokens.shape)}]");
        var latent = _encoder.Quantizer.Embed(grid.to(ScalarType.Int64).to(Device));
        var height = imageSize ?? (int)(latent.shape[2] * EncoderPatchSize);
        var width = imageSize ?? (int)(latent.shape[3] * EncoderPatchSize);
        return diffusion.Start(latent, height, width, steps, seed);
    }

    /// <summary>Advances each job one DDPM step in one UNet batch (jobs may be at different steps).</summary>
    public void StepDetokenize(IReadOnlyList<DiffusionDecodeJob> jobs)
    {
        var diffusion = _diffusion ?? throw new InvalidOperationException($"{Name} is not a diffusion tokenizer");
        using var _ = inference_mode();
        diffusion.Step(jobs);
    }

    /// <summary>The decoded image (1, C, H, W), float32, of a finished job.</summary>
    public Tensor FinishDetokenize(DiffusionDecodeJob job) => DiffusionDecoder.Result(job);

    private Tensor PrepareInput(Tensor input)
    {
        if (TakesClassMap)
        {
            if (input.dim() != 3) throw new ArgumentException($"{Name}: expects class maps (B, H, W), got {input.dim()} dimensions");
            return input.to(ScalarType.Int64).to(Device);
        }
        if (input.dim() != 4 || input.shape[1] != Config.ChannelCount)
            throw new ArgumentException($"{Name}: expects images (B, {Config.ChannelCount}, H, W), got [{string.Join(", ", input.shape)}]");
        return input.to(DType).to(Device);
    }

    public void Dispose()
    {
        _diffusion?.Scheduler.Dispose();
        _model.Dispose();
    }
}
