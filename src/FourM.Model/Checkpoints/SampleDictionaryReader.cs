using static TorchSharp.torch;

namespace FourM.Model.Checkpoints;

/// <summary>
/// Reads a sample dict stored as <c>&lt;modality&gt;.tensor|input_mask|target_mask|decoder_attention_mask</c> tensors (the
/// golden <c>inputs.safetensors</c> layout). Safetensors does not keep dict order, so the caller gives the modality order.
/// </summary>
public static class SampleDictionaryReader
{
    public static readonly string[] Fields = ["tensor", "input_mask", "target_mask", "decoder_attention_mask"];

    /// <summary>Modalities of <paramref name="order"/> that the file holds completely, in that order.</summary>
    public static List<(string Modality, ModalityInput Input)> Read(SafetensorsFile file, IEnumerable<string> order, Device? device = null,
        string prefix = "")
    {
        var result = new List<(string, ModalityInput)>();
        foreach (var modality in order.Distinct(StringComparer.Ordinal))
        {
            var names = Fields.Select(f => $"{prefix}{modality}.{f}").ToArray();
            if (!file.Contains(names[0])) continue;
            var absent = names.Where(n => !file.Contains(n)).ToList();
            if (absent.Count > 0)
                throw new SafetensorsFormatException(file.Path, $"modality '{modality}' lacks {string.Join(", ", absent)}");
            var tensor = file.ReadTensor(names[0], device: device);
            var inputMask = file.ReadTensor(names[1], device: device);
            var targetMask = file.ReadTensor(names[2], device: device);
            var attention = file.ReadTensor(names[3], device: device);
            foreach (var (name, mask) in new[] { (names[1], inputMask), (names[2], targetMask) })
                if (mask.dtype != ScalarType.Bool)
                    throw new SafetensorsFormatException(file.Path, $"tensor '{name}' must be BOOL, found {mask.dtype}");
            result.Add((modality, new ModalityInput(tensor, inputMask, targetMask, attention)));
        }
        return result;
    }

    /// <summary>Modality names that appear as <c>&lt;name&gt;.tensor</c> in the file.</summary>
    public static IEnumerable<string> ModalitiesIn(SafetensorsFile file, string prefix = "") =>
        file.Names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".tensor", StringComparison.Ordinal))
            .Select(n => n[prefix.Length..^".tensor".Length]);
}
