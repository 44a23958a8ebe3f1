using FourM.Model.Configuration;

namespace FourM.Model.Checkpoints;

/// <summary>
/// Writes a model in the released layout: every state-dict key (both names of shared modality embeddings, zero LayerNorm biases,
/// sin-cos buffers) in the model's dtype, with the config as Python-literal header metadata.
/// </summary>
public static class FourMCheckpointWriter
{
    public static void Save(FourMModel model, string path)
    {
        var writer = new SafetensorsWriter();
        foreach (var (key, tensor) in model.StateDictionary().OrderBy(kv => kv.Key, StringComparer.Ordinal)) writer.Add(key, tensor);
        foreach (var (key, value) in FourMConfigReader.ToMetadata(model.Config)) writer.AddMetadata(key, value);
        writer.Save(path);
    }
}
