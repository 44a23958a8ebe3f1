using FourM.Model.Configuration;
using FourM.Model.Modalities;
using static TorchSharp.torch;

namespace FourM.Model;

/// <summary>Parameter totals of a model; a tensor shared under two names (modality embeddings) counts once.</summary>
public sealed record ParameterCount(long Total, long Trunk, long Embeddings)
{
    private const string EncoderEmbeddings = "encoder_embeddings.";
    private const string DecoderEmbeddings = "decoder_embeddings.";

    /// <summary>Trunk = everything outside the modality adapters (blocks, norms, context projection, mask token): the README's size figures.</summary>
    public static ParameterCount Of(FourMModel model)
    {
        long total = 0, embeddings = 0;
        // named_parameters yields each tensor once, under its first name.
        foreach (var (name, parameter) in model.named_parameters())
        {
            var count = parameter.numel();
            total += count;
            if (name.StartsWith(EncoderEmbeddings, StringComparison.Ordinal) || name.StartsWith(DecoderEmbeddings, StringComparison.Ordinal))
                embeddings += count;
        }
        return new ParameterCount(total, total - embeddings, embeddings);
    }

    /// <summary>Counts a config's parameters by building it on the meta device: shapes only, no memory for weights.</summary>
    public static ParameterCount Of(FourMConfig config, ModalityRegistry? registry = null)
    {
        using var model = FourMModel.CreateUninitialized(config, ScalarType.Float32, META, registry);
        return Of(model);
    }
}
