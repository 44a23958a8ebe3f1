using FourM.Model.Modalities;

namespace FourM.Generation.Modalities;

/// <summary>
/// The modalities generation knows about (4M-7, 4M-21 and super-resolution sets of the reference's <c>MODALITY_INFO</c>),
/// used to validate plans and to pick initialisers and decoding schemes.
/// </summary>
public sealed class ModalityCatalog
{
    private readonly Dictionary<string, ModalityDescriptor> _byName;

    public ModalityCatalog(IEnumerable<ModalityDescriptor> modalities) =>
        _byName = modalities.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>The reference's modalities, with the vocabularies of the reference's <c>MODALITY_INFO</c>.</summary>
    public static ModalityCatalog Default { get; } = new(BuildDefault().Select(WithReferenceVocabulary));

    private static ModalityDescriptor WithReferenceVocabulary(ModalityDescriptor modality) =>
        BuiltInModalities.All.FirstOrDefault(m => m.Name == modality.Name)?.VocabSize is { } vocab ? modality with { VocabSize = vocab } : modality;

    public bool Contains(string name) => _byName.ContainsKey(name);

    public ModalityDescriptor this[string name] => _byName.TryGetValue(name, out var d)
        ? d
        : throw new GenerationPlanException($"unknown modality '{name}' (known: {string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal))})");

    public IEnumerable<ModalityDescriptor> All => _byName.Values;

    private static IEnumerable<ModalityDescriptor> BuildDefault()
    {
        foreach (var size in new[] { 224, 448 })
        {
            int grid = size / 16 * (size / 16);
            yield return new($"rgb@{size}", ModalityKind.Image, grid, IsPixels: true);
            foreach (var name in new[] { "tok_rgb", "tok_depth", "tok_normal", "tok_semseg", "tok_clip" })
                yield return new($"{name}@{size}", ModalityKind.Image, grid);
        }
        yield return new("tok_canny_edge@224", ModalityKind.Image, 196);
        yield return new("tok_sam_edge@224", ModalityKind.Image, 196);
        yield return new("tok_dinov2@224", ModalityKind.Image, 256);
        yield return new("tok_imagebind@224", ModalityKind.Image, 256);
        yield return new("tok_dinov2_global", ModalityKind.Image, 16);
        yield return new("tok_imagebind_global", ModalityKind.Image, 16);
        yield return new("caption", ModalityKind.Sequence, 256);
        yield return new("det", ModalityKind.Sequence, 256);
        yield return new("metadata", ModalityKind.Sequence, 40);
        yield return new("human_poses", ModalityKind.Sequence, 275);
        yield return new("color_palette", ModalityKind.Sequence, 23);
        yield return new("sam_instance", ModalityKind.Sequence, 290);
        yield return new("t5_caption", ModalityKind.SequenceEmbedding, 77);
    }
}
