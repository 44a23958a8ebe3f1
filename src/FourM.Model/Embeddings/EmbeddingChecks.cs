using static TorchSharp.torch;

namespace FourM.Model.Embeddings;

/// <summary>Input validation shared by the adapters: a bad id must be an exception here, not a device-side assert later.</summary>
internal static class EmbeddingChecks
{
    public static Tensor TokenIds(Tensor ids, long vocabSize, string modality, bool validate = true)
    {
        if (ids.dtype is not (ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte))
            throw new ArgumentException($"modality '{modality}': token ids must be an integer tensor, got {ids.dtype}");
        var wide = ids.to_type(ScalarType.Int64);
        if (validate && wide.numel() > 0)
        {
            var min = wide.min().item<long>();
            var max = wide.max().item<long>();
            if (min < 0 || max >= vocabSize)
                throw new ArgumentException($"modality '{modality}': {HostInputChecks.VocabularyRule(vocabSize, min, max)}");
        }
        return wide;
    }

    public static void Mask(Tensor mask, long batch, long length, string modality, string name)
    {
        if (mask.dtype != ScalarType.Bool)
            throw new ArgumentException($"modality '{modality}': {name} must be bool, got {mask.dtype}");
        if (mask.dim() != 2 || mask.shape[0] != batch || mask.shape[1] != length)
            throw new ArgumentException($"modality '{modality}': {name} has shape [{string.Join(", ", mask.shape)}], expected [{batch}, {length}]");
    }
}
