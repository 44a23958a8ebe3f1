using FourM.Model.Checkpoints;

namespace FourM.Model.Tests.Checkpoints;

/// <summary>Builds variants of a checkpoint with our writer: tensors filtered or replaced, metadata chosen.</summary>
internal static class CheckpointRewriter
{
    public static void Rewrite(string source, string destination, Func<string, bool> keep, IReadOnlyDictionary<string, string>? metadata,
        Action<SafetensorsWriter>? extra = null)
    {
        using var file = SafetensorsFile.Open(source);
        var writer = new SafetensorsWriter();
        foreach (var name in file.Names.Where(keep))
        {
            var entry = file.Entry(name);
            writer.AddRaw(name, entry.Dtype, entry.Shape, file.RawBytes(name).ToArray());
        }
        extra?.Invoke(writer);
        foreach (var (key, value) in metadata ?? file.Metadata) writer.AddMetadata(key, value);
        writer.Save(destination);
    }
}
