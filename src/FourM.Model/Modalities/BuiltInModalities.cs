namespace FourM.Model.Modalities;

/// <summary>The modalities of 4M-7, 4M-21 and the 448 super-resolution set, as the reference's <c>MODALITY_INFO</c> defines them.</summary>
public static class BuiltInModalities
{
    private const int TextVocabulary = 30_000;

    public static IReadOnlyList<ModalityInfo> All { get; } = Build();

    private static ModalityInfo Pixels(string name, int imageSize) => new()
    {
        Name = name, Type = ModalityType.Image, EncoderEmbedding = EncoderEmbeddingKind.ImagePixels,
        PatchSize = 16, ImageSize = imageSize, NumChannels = 3,
    };

    private static ModalityInfo ImageTokens(string name, int vocab, int patchSize = 16, int? imageSize = 224, bool sinCos = true) => new()
    {
        Name = name, Type = ModalityType.Image, EncoderEmbedding = EncoderEmbeddingKind.ImageTokens,
        DecoderEmbedding = DecoderEmbeddingKind.ImageTokens, VocabSize = vocab, PatchSize = patchSize, ImageSize = imageSize,
        SinCosPositions = sinCos,
    };

    private static ModalityInfo Text(string name, int maxLength, int maxTokens) => new()
    {
        Name = name, Type = ModalityType.Sequence, EncoderEmbedding = EncoderEmbeddingKind.Sequence,
        DecoderEmbedding = DecoderEmbeddingKind.Sequence, VocabSize = TextVocabulary, MaxLength = maxLength, MaxTokens = maxTokens,
    };

    private static List<ModalityInfo> Build() =>
    [
        // 4M-7
        Pixels("rgb@224", 224),
        ImageTokens("tok_rgb@224", 16384),
        ImageTokens("tok_depth@224", 8192),
        ImageTokens("tok_normal@224", 8192),
        ImageTokens("tok_semseg@224", 4096),
        ImageTokens("tok_clip@224", 8192),
        Text("caption", 256, 256),
        Text("det", 256, 256),
        // 4M-21 additions
        new ModalityInfo
        {
            Name = "t5_caption", Type = ModalityType.SequenceEmbedding, EncoderEmbedding = EncoderEmbeddingKind.SequenceEmbedding,
            MaxLength = 77, MaxTokens = 77, OriginalEmbeddingDim = 4096,
        },
        Text("metadata", 40, 40),
        Text("human_poses", 263, 275),
        Text("color_palette", 23, 23),
        Text("sam_instance", 290, 290),
        ImageTokens("tok_canny_edge@224", 8192),
        ImageTokens("tok_sam_edge@224", 8192),
        ImageTokens("tok_dinov2@224", 8192, patchSize: 14),
        ImageTokens("tok_imagebind@224", 8192, patchSize: 14),
        // Global feature tokens: no input_size (the config's image size applies), patch 56 -> a 4x4 grid with learned positions.
        ImageTokens("tok_dinov2_global", 8192, patchSize: 56, imageSize: null, sinCos: false),
        ImageTokens("tok_imagebind_global", 8192, patchSize: 56, imageSize: null, sinCos: false),
        // Super-resolution set
        Pixels("rgb@448", 448),
        ImageTokens("tok_rgb@448", 16384, imageSize: 448),
        ImageTokens("tok_depth@448", 8192, imageSize: 448),
        ImageTokens("tok_normal@448", 8192, imageSize: 448),
        ImageTokens("tok_semseg@448", 4096, imageSize: 448),
        ImageTokens("tok_clip@448", 8192, imageSize: 448),
    ];
}
