using FourM.Model.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Checkpoints;

/// <summary>
/// Copies a checkpoint's tensors into a module by state-dict name. Extra tensors (training buffers such as
/// <c>quantize._codebook.cluster_size</c>) are reported, not fatal; missing tensors fail the load with every missing
/// name listed, because a tokenizer with random layers would silently produce garbage.
/// </summary>
public static class WeightLoader
{
    public static LoadReport Load(nn.Module module, SafetensorsFile file)
    {
        var name = Path.GetFileName(file.Path);
        var loaded = 0;
        var missing = new List<string>();
        var expected = module.state_dict();
        using (no_grad())
        {
            foreach (var (key, target) in expected)
            {
                if (!file.Contains(key))
                {
                    missing.Add(key);
                    continue;
                }
                var entry = file.Entry(key);
                if (!entry.Shape.SequenceEqual(target.shape))
                    throw new TokenizerLoadException(
                        $"{name}: tensor '{key}' has shape {entry.ShapeText}, the architecture built from the checkpoint expects [{string.Join(", ", target.shape)}]");
                using var value = file.ReadTensor(key, target.dtype, target.device);
                target.copy_(value);
                loaded++;
            }
        }
        var unused = file.Names.Where(n => !expected.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        var report = new LoadReport(name, loaded, missing, unused);
        if (missing.Count > 0) throw new TokenizerLoadException($"{name}: checkpoint lacks tensors the tokenizer needs: {string.Join(", ", missing)}");
        return report;
    }
}
