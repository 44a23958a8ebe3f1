using FourM.Model.Assembly;
using FourM.Model.Configuration;
using FourM.Model.Embeddings;
using FourM.Model.Modalities;
using FourM.Model.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model;

/// <summary>
/// The 4M encoder-decoder (the reference's <c>FourM</c>). Field names are the reference's state-dict keys. Besides the
/// training-style forward (<see cref="TrainingForward"/>), it exposes the pieces generation is built from: per-modality
/// embeddings, token assembly, encoder, context projection, decoder (full or incremental with a KV cache) and logits.
/// Masks follow the reference: bool, True = ignore / blocked.
/// </summary>
public sealed class FourMModel : nn.Module
{
#pragma warning disable IDE1006
    private readonly ModuleDict<EncoderEmbedding> encoder_embeddings;
    private readonly ModuleDict<DecoderEmbedding> decoder_embeddings;
    private readonly ModuleList<EncoderBlock> encoder;
    private readonly LayerNormalization encoder_norm;
    private readonly Linear decoder_proj_context;
    private readonly ModuleList<DecoderBlock> decoder;
    private readonly LayerNormalization decoder_norm;
    private readonly Parameter mask_token;
    private readonly Parameter? register_tokens;
#pragma warning restore IDE1006
    private AttentionKernel _kernel = AttentionKernel.Exact;
    private MlpLayout _mlpLayout = MlpLayout.Reference;

    internal FourMModel(FourMConfig config, ModalityRegistry registry, Device device, ScalarType dtype) : base("FourM")
    {
        config.Validate("config");
        Config = config;
        Modalities = registry;
        Device = device;
        Dtype = dtype;
        var options = BlockOptions.From(config, device, dtype);

        encoder_embeddings = new ModuleDict<EncoderEmbedding>();
        foreach (var name in config.DomainsIn)
        {
            var info = registry.Get(name);
            if (info.EncoderEmbedding is null) continue;
            encoder_embeddings.Add(name, EncoderEmbedding.Create(info, config.ImageSize, config.PatchSize, config.Dim, device, dtype));
        }
        decoder_embeddings = new ModuleDict<DecoderEmbedding>();
        foreach (var name in config.DomainsOut)
        {
            var info = registry.Get(name);
            if (info.DecoderEmbedding is null) continue;
            Parameter? shared = config.ShareModalityEmbeddings && encoder_embeddings.TryGetValue(name, out var enc) ? enc.ModalityEmbedding : null;
            decoder_embeddings.Add(name, DecoderEmbedding.Create(info, config.ImageSize, config.PatchSize, config.Dim, shared, device, dtype));
        }

        encoder = new ModuleList<EncoderBlock>(Enumerable.Range(0, config.EncoderDepth).Select(_ => new EncoderBlock(options)).ToArray());
        encoder_norm = options.Norm(config.Dim);
        decoder_proj_context = nn.Linear(config.Dim, config.Dim, hasBias: true, device, dtype);
        decoder = new ModuleList<DecoderBlock>(Enumerable.Range(0, config.DecoderDepth).Select(_ => new DecoderBlock(options)).ToArray());
        decoder_norm = options.Norm(config.Dim);
        mask_token = new Parameter(zeros(new long[] { 1, 1, config.Dim }, dtype: dtype, device: device));
        if (config.NumRegisterTokens > 0)
            register_tokens = new Parameter(zeros(new long[] { 1, config.NumRegisterTokens, config.Dim }, dtype: dtype, device: device));
        RegisterComponents();
        ModuleOwnership.KeepOutOfDisposeScopes(this);
    }

    public FourMConfig Config { get; }
    public ModalityRegistry Modalities { get; }
    public Device Device { get; }
    public ScalarType Dtype { get; }

    /// <summary>
    /// Exact (reference masked softmax) or Fused (<c>scaled_dot_product_attention</c>) in every block. <see cref="DefaultKernel"/>
    /// is applied by <see cref="CreateRandom"/> and the checkpoint loader.
    /// </summary>
    public AttentionKernel Kernel
    {
        get => _kernel;
        set
        {
            // torch's default pick for masked attention on Hopper is cuDNN, which builds an execution plan for every new shape
            // (tens of ms each); generation changes the sequence length every step, so the fused path keeps to flash and
            // memory-efficient kernels (bench/sdpa_probe.py measures the difference). The switch is process-wide.
            if (value == AttentionKernel.Fused && Device.type == DeviceType.CUDA) FusedAttentionBackends.Enable(["flash", "efficient", "math"]);
            _kernel = value;
            foreach (var block in encoder) block.Kernel = value;
            foreach (var block in decoder) block.Kernel = value;
        }
    }

    /// <summary>
    /// Reference (the checkpoint's hidden width) or Aligned (padded to a multiple of 64 for tensor-core GEMMs) in every block.
    /// Set it after the weights are final: Aligned copies the output layers' weights. <see cref="DefaultMlpLayout"/> is applied
    /// by <see cref="CreateRandom"/> and the checkpoint loader.
    /// </summary>
    public MlpLayout MlpLayout
    {
        get => _mlpLayout;
        set
        {
            _mlpLayout = value;
            foreach (var block in encoder) block.MlpLayout = value;
            foreach (var block in decoder) block.MlpLayout = value;
        }
    }

    /// <summary>Aligned on CUDA, where misaligned GEMMs are several times slower; Reference elsewhere (the goldens' bits).</summary>
    public static MlpLayout DefaultMlpLayout(DeviceType device) => device == DeviceType.CUDA ? MlpLayout.Aligned : MlpLayout.Reference;

    /// <summary>
    /// Fused on CUDA (bf16 there never reproduces the reference's bits across batch shapes anyway, and fused attention made
    /// batch-32 generation 1.2–1.3× faster on an H200); Exact elsewhere, the path the CPU goldens check bit for bit.
    /// </summary>
    public static AttentionKernel DefaultKernel(DeviceType device) => device == DeviceType.CUDA ? AttentionKernel.Fused : AttentionKernel.Exact;

    /// <summary>The device's defaults: <see cref="DefaultKernel"/> and <see cref="DefaultMlpLayout"/>.</summary>
    internal void UseDeviceDefaults()
    {
        Kernel = DefaultKernel(Device.type);
        MlpLayout = DefaultMlpLayout(Device.type);
    }

    /// <summary>Validate token ids and sequence lengths in every adapter (default true; each check synchronises with the device).</summary>
    public bool ValidateInputs
    {
        get => encoder_embeddings.Values.Concat<Embeddings.ModalityEmbeddingBase>(decoder_embeddings.Values).All(e => e.ValidateInputs);
        set
        {
            foreach (var e in encoder_embeddings.Values) e.ValidateInputs = value;
            foreach (var d in decoder_embeddings.Values) d.ValidateInputs = value;
        }
    }

    public IReadOnlyCollection<string> EncoderModalities => encoder_embeddings.Keys.ToList();
    public IReadOnlyCollection<string> DecoderModalities => decoder_embeddings.Keys.ToList();

    /// <summary>The learned mask token (1,1,D): decoder input of every image-target position.</summary>
    public Tensor MaskToken => mask_token;

    /// <summary>Loads a checkpoint (file, or a folder with model.safetensors) tolerantly; see <see cref="Checkpoints.FourMCheckpointLoader"/>.</summary>
    public static FourMModel Load(string path, ScalarType dtype, Device device, ModalityRegistry? registry = null) =>
        Checkpoints.FourMCheckpointLoader.Load(path, dtype, device, registry).Model;

    /// <summary>A randomly initialised model (benchmarks, tests, the silo's embedded tiny model); deterministic for a seed on one device.</summary>
    public static FourMModel CreateRandom(FourMConfig config, long seed, ScalarType dtype, Device device, ModalityRegistry? registry = null)
    {
        var model = new FourMModel(config, registry ?? ModalityRegistry.CreateDefault(), device, dtype);
        model.InitializeLikeReference(seed);
        model.eval();
        model.UseDeviceDefaults();
        return model;
    }

    /// <summary>Builds the structure without meaningful values (for loading, or on the <c>meta</c> device for counting).</summary>
    public static FourMModel CreateUninitialized(FourMConfig config, ScalarType dtype, Device device, ModalityRegistry? registry = null)
    {
        var model = new FourMModel(config, registry ?? ModalityRegistry.CreateDefault(), device, dtype);
        model.eval();
        return model;
    }

    public EncoderEmbedding EncoderEmbeddingFor(string modality) =>
        encoder_embeddings.TryGetValue(modality, out var e) ? e
            : throw new KeyNotFoundException($"modality '{modality}' is not an encoder input of this model (inputs: {string.Join(", ", encoder_embeddings.Keys)})");

    public DecoderEmbedding DecoderEmbeddingFor(string modality) =>
        decoder_embeddings.TryGetValue(modality, out var d) ? d
            : throw new KeyNotFoundException($"modality '{modality}' is not a decoder target of this model (targets: {string.Join(", ", decoder_embeddings.Keys)})");

    public short ModalityId(string modality) => Modalities.Get(modality).Id;

    /// <summary>Encoder adapter of one modality: x and emb (B,N,D).</summary>
    public EncoderEmbeddingOutput EmbedEncoderInput(string modality, Tensor tensor, Tensor inputMask) =>
        EncoderEmbeddingFor(modality).Embed(tensor, inputMask);

    /// <summary>Decoder adapter of one modality (<c>forward_embed</c>).</summary>
    public DecoderEmbeddingOutput EmbedDecoderTarget(string modality, Tensor tensor, Tensor targetMask) =>
        DecoderEmbeddingFor(modality).EmbedTarget(tensor, targetMask);

    /// <summary>Concatenates, sorts valid-first and truncates encoder parts (<c>forward_mask_encoder</c>).</summary>
    public EncoderTokens AssembleEncoder(IReadOnlyList<EncoderPart> parts, long? numEncoderTokens) =>
        TokenAssembler.AssembleEncoder(parts, numEncoderTokens, register_tokens);

    /// <summary>Concatenates, sorts valid-first and truncates decoder parts; builds the full attention mask (<c>forward_mask_decoder</c>).</summary>
    public DecoderTokens AssembleDecoder(IReadOnlyList<DecoderPart> parts, long? numDecoderTokens) =>
        TokenAssembler.AssembleDecoder(parts, numDecoderTokens, Config.DecoderCausalMask, Config.DecoderSepMask);

    /// <summary>Compressed (B,M) → full (B,M,M) decoder self-attention mask with this model's causal/separation settings.</summary>
    public Tensor ExpandDecoderAttentionMask(Tensor compressed, Tensor modMask) =>
        DecoderAttentionMask.Expand(compressed, modMask, Config.DecoderCausalMask, Config.DecoderSepMask);

    /// <summary>Encoder blocks and <c>encoder_norm</c>. x = tokens + emb (B,N,D); mask (B,1,N) or (B,N,N), True = blocked.</summary>
    public Tensor Encode(Tensor x, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        mask = AttentionMath.WithHeadAxis(FusedAttentionMask.ForKernel(mask, _kernel, Dtype));
        foreach (var block in encoder) x = block.Forward(x, mask);
        return encoder_norm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <see cref="Encode"/> on packed tokens x = tokens + emb (T,D) of rows of different lengths: per-token layers see only the
    /// T tokens, attention the padded rows of <paramref name="packing"/>. Same function as the padded call, rounded differently.
    /// </summary>
    public Tensor EncodePacked(Tensor x, TokenPacking packing)
    {
        using var scope = NewDisposeScope();
        // Keys only: (B_g, L_g) → (B_g, 1, 1, L_g) per group, in the kernel's form once for every layer.
        var masks = packing.Groups
            .Select(g => AttentionMath.WithHeadAxis(FusedAttentionMask.ForKernel(g.PaddingMask?.unsqueeze(1), _kernel, Dtype)))
            .ToList();
        foreach (var block in encoder) x = block.ForwardPacked(x, packing, masks);
        return encoder_norm.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Decoder context: <c>decoder_proj_context(encoder_output) + encoder_emb</c>.</summary>
    public Tensor ProjectContext(Tensor encoderOutput, Tensor encoderEmb)
    {
        using var scope = NewDisposeScope();
        return decoder_proj_context.forward(encoderOutput).Plus(encoderEmb).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Decoder blocks and <c>decoder_norm</c>. y = decoder tokens + emb (B,M,D); context (B,N,D); selfMask (B,M,M);
    /// crossMask (B,1,N) or (B,M,N). True = blocked.
    /// </summary>
    public Tensor Decode(Tensor y, Tensor context, Tensor? selfMask, Tensor? crossMask)
    {
        using var scope = NewDisposeScope();
        selfMask = AttentionMath.WithHeadAxis(FusedAttentionMask.ForKernel(selfMask, _kernel, Dtype));
        crossMask = AttentionMath.WithHeadAxis(FusedAttentionMask.ForKernel(crossMask, _kernel, Dtype));
        foreach (var block in decoder) y = block.Forward(y, context, selfMask, crossMask);
        return decoder_norm.forward(y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Starts incremental decoding against a context (B,N,D): cross-attention keys/values are computed here, once. With a
    /// <paramref name="capacity"/>, the self-attention cache is preallocated for that many positions and every step issues the
    /// same kernels on the same tensors (<see cref="GraphedDecoder"/> captures them); else it grows.
    /// </summary>
    public DecoderCache StartDecoding(Tensor context, long? capacity = null)
    {
        using var scope = NewDisposeScope();
        var keyValues = decoder.Select(block =>
        {
            var (k, v) = block.ProjectContext(context);
            return (k.DetachFromDisposeScope(), v.DetachFromDisposeScope());
        }).ToList();
        var positions = capacity is { } slots ? new DecoderPositions(slots, _kernel, Dtype, context.device) : null;
        return new DecoderCache(keyValues, positions);
    }

    /// <summary>
    /// Decodes new positions y (B,T,D) after the cached ones: selfMask (B,T,cached+T) (null = attend to everything so far),
    /// crossMask (B,1,N) or (B,T,N), or either from <see cref="PrepareAttentionMask"/>. Returns <c>decoder_norm</c> outputs
    /// (B,T,D); equals the full decoder on the same prefix. A preallocated cache takes one position per step and no selfMask.
    /// </summary>
    public Tensor DecodeStep(DecoderCache cache, Tensor y, Tensor? selfMask, Tensor? crossMask)
    {
        cache.CheckRoom(y.shape[1]);
        var output = IssueDecodeStep(cache, y, selfMask, crossMask);
        cache.Advance(y.shape[1]);
        return output;
    }

    /// <summary><see cref="DecodeStep"/>'s device work without its host bookkeeping (what a CUDA graph captures).</summary>
    internal Tensor IssueDecodeStep(DecoderCache cache, Tensor y, Tensor? selfMask, Tensor? crossMask)
    {
        using var scope = NewDisposeScope();
        if (cache.Positions is { } positions)
        {
            if (selfMask is not null) throw new ArgumentException("a preallocated decoder cache keeps its own self-attention mask", nameof(selfMask));
            positions.Open();
            selfMask = positions.Mask;
        }
        else
        {
            selfMask = AttentionMath.WithHeadAxis(FusedAttentionMask.ForKernel(selfMask, _kernel, Dtype));
        }
        crossMask = AttentionMath.WithHeadAxis(FusedAttentionMask.ForKernel(crossMask, _kernel, Dtype));
        for (var i = 0; i < decoder.Count; i++)
        {
            var (keys, values) = cache.ContextKeyValues[i];
            y = decoder[i].ForwardCached(y, cache.SelfAttention[i], keys, values, selfMask, crossMask);
        }
        cache.Positions?.Advance();
        return decoder_norm.forward(y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A blocked-keys mask (True = blocked; e.g. (B,1,N) for cross-attention) in the form this model's attention kernel takes,
    /// head axis included. <see cref="Decode"/> and <see cref="DecodeStep"/> take it as it is, so incremental decoding can
    /// build it once per target instead of once per token. In the caller's dispose scope.
    /// </summary>
    public Tensor? PrepareAttentionMask(Tensor? blocked) => AttentionMath.WithHeadAxis(FusedAttentionMask.ForKernel(blocked, _kernel, Dtype));

    /// <summary>Output head of one modality over decoder outputs (…, D) → (…, V).</summary>
    public Tensor Logits(string modality, Tensor decoderOutput) => DecoderEmbeddingFor(modality).Logits(decoderOutput);

    /// <summary>
    /// The encoder-only path (the reference's <c>FMViT</c>): an image's patch tokens through every encoder block (no mask) and
    /// <c>encoder_norm</c>; returns features (B,N,D).
    /// </summary>
    public Tensor EncodeImageFeatures(Tensor pixels, string modality = "rgb@224")
    {
        using var scope = NewDisposeScope();
        var embedding = EncoderEmbeddingFor(modality);
        using var noMask = zeros(new long[] { pixels.shape[0], embedding.TokenCount(pixels) }, ScalarType.Bool, pixels.device);
        var embedded = embedding.Embed(pixels, noMask);
        return Encode(embedded.X.Plus(embedded.Emb), null).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the reference's training forward on a sample dict; see <see cref="TrainingForward"/>.</summary>
    public TrainingForwardResult ForwardTraining(IReadOnlyList<(string Modality, ModalityInput Input)> batch, long numEncoderTokens,
        long numDecoderTokens, IReadOnlyList<string>? decoderOrder = null) =>
        TrainingForward.Run(this, batch, numEncoderTokens, numDecoderTokens, decoderOrder);

    /// <summary>Named parameters and persistent buffers, including both names of a shared tensor (the reference's state_dict keys).</summary>
    public Dictionary<string, Tensor> StateDictionary() => state_dict();

    /// <summary>Names of tensors that are parameters (as opposed to buffers), including aliases.</summary>
    public HashSet<string> ParameterNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in state_dict())
            if (value is Parameter) names.Add(name);
        return names;
    }

    /// <summary>
    /// Reference-like init from a private generator (the global one is shared by every thread): embeddings, heads, modality
    /// and mask tokens N(0, 0.02); Linear weights U(±1/√fan_in) (PyTorch's default); biases 0; LayerNorm weights 1.
    /// </summary>
    private void InitializeLikeReference(long seed)
    {
        using var noGrad = no_grad();
        // A private generator keeps CPU models deterministic when tests build models on several threads; accelerators use the
        // seeded global generator (device generators are not reliably constructible through TorchSharp).
        Generator? generator = null;
        if (Device.type == DeviceType.CPU) generator = new Generator((ulong)seed);
        else manual_seed(seed);
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("token_emb.weight", StringComparison.Ordinal) || name.EndsWith("to_logits.weight", StringComparison.Ordinal)
                || name.EndsWith("mod_emb", StringComparison.Ordinal) || name.EndsWith("pos_emb", StringComparison.Ordinal)
                || name is "mask_token" or "register_tokens")
                parameter.normal_(0, 0.02, generator);
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
                parameter.zero_();
            else if (name.Contains("norm", StringComparison.Ordinal))
            {
                using var one = 1.0.ToScalar();
                parameter.fill_(one);
            }
            else
            {
                var bound = 1 / Math.Sqrt(parameter.shape[1]);
                parameter.uniform_(-bound, bound, generator);
            }
        }
    }
}
