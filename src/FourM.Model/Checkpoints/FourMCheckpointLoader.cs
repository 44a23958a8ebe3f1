using FourM.Model.Configuration;
using FourM.Model.Modalities;
using static TorchSharp.torch;

namespace FourM.Model.Checkpoints;

/// <summary>
/// Loads a 4M checkpoint in any of the released forms: LayerNorm zero biases present or not, sin-cos buffers present or
/// recomputed, the hub-mixin form whose de-duplicated keys are mapped in the metadata, and <c>to_logits.weight</c> absent
/// (falls back to <c>token_emb.weight</c>). Missing and unknown keys are reported by name; shapes must match exactly.
/// </summary>
public static class FourMCheckpointLoader
{
    public const string WeightsFileName = "model.safetensors";
    public const string ConfigFileName = "config.json";

    /// <param name="path">A .safetensors file, or a folder holding model.safetensors (and optionally config.json).</param>
    /// <param name="allowUnexpected">Tolerate tensors the model has no place for (they are listed in the report).</param>
    public static LoadedCheckpoint Load(string path, ScalarType dtype, Device device, ModalityRegistry? registry = null, bool allowUnexpected = false)
    {
        var weights = Directory.Exists(path) ? Path.Combine(path, WeightsFileName) : path;
        if (!File.Exists(weights)) throw new FileNotFoundException($"checkpoint not found: {weights}", weights);
        registry ??= ModalityRegistry.CreateDefault();
        using var file = SafetensorsFile.Open(weights);
        var (config, source) = ReadConfig(file, registry);
        var model = FourMModel.CreateUninitialized(config, dtype, device, registry);
        try
        {
            var report = LoadInto(model, file, allowUnexpected);
            model.UseDeviceDefaults();
            return new LoadedCheckpoint(model, report, source);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The header metadata when it holds a config (released files); else config.json beside the weights (the hub form).</summary>
    public static (FourMConfig Config, string Source) ReadConfig(SafetensorsFile file, ModalityRegistry registry)
    {
        if (FourMConfigReader.MetadataHasConfig(file.Metadata)) return (FourMConfigReader.FromMetadata(file.Metadata, file.Path, registry), file.Path + " __metadata__");
        var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file.Path)) ?? ".", ConfigFileName);
        if (File.Exists(beside)) return (FourMConfigReader.FromJsonFile(beside, registry), beside);
        throw new SafetensorsFormatException(file.Path, $"no model config: the header metadata has no 'domains_in'/'dim' and there is no {ConfigFileName} beside it");
    }

    /// <summary>Copies every model tensor from the file (converting dtype and device), applying the tolerance rules.</summary>
    public static CheckpointLoadReport LoadInto(FourMModel model, SafetensorsFile file, bool allowUnexpected = false)
    {
        var loaded = new List<string>();
        var aliased = new Dictionary<string, string>(StringComparer.Ordinal);
        var zeroBias = new List<string>();
        var recomputed = new List<string>();
        var missing = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        var parameterNames = model.ParameterNames();
        var state = model.StateDictionary();
        var sharedAliases = SharedAliases(model, state);

        using (no_grad())
        {
            foreach (var (key, target) in state)
            {
                var source = ResolveSource(key, file, sharedAliases);
                if (source is not null)
                {
                    Copy(file, source, key, target);
                    used.Add(source);
                    if (source == key) loaded.Add(key);
                    else aliased[key] = source;
                }
                else if (!parameterNames.Contains(key) && key.EndsWith(".bias", StringComparison.Ordinal))
                {
                    zeroBias.Add(key);
                }
                else if (!parameterNames.Contains(key) && key.EndsWith(".pos_emb", StringComparison.Ordinal))
                {
                    recomputed.Add(key);
                }
                else if (sharedAliases.TryGetValue(key, out var twin) && state.ContainsKey(twin) && (used.Contains(twin) || file.Contains(twin)))
                {
                    // The other name of a shared tensor was (or will be) loaded; both names point at one tensor.
                    aliased[key] = twin;
                }
                else
                {
                    missing.Add(key);
                }
            }
        }

        var unexpected = file.Names.Where(n => !used.Contains(n) && !state.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || (unexpected.Count > 0 && !allowUnexpected))
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing keys: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unknown keys: {string.Join(", ", unexpected)}");
            throw new SafetensorsFormatException(file.Path, $"checkpoint does not match the model built from its config ({string.Join("; ", parts)})");
        }
        // An aligned model's padded copies were made from the old weights.
        if (model.MlpLayout == Modules.MlpLayout.Aligned) model.MlpLayout = Modules.MlpLayout.Aligned;
        return new CheckpointLoadReport(file.Path, loaded, aliased, zeroBias, recomputed, missing, unexpected);
    }

    private static string? ResolveSource(string key, SafetensorsFile file, IReadOnlyDictionary<string, string> sharedAliases)
    {
        if (file.Contains(key)) return key;
        // Hub-mixin form: safetensors' save_model drops one name of a shared tensor and records "dropped": "kept" in the metadata.
        if (file.Metadata.TryGetValue(key, out var mapped) && file.Contains(mapped)) return mapped;
        if (sharedAliases.TryGetValue(key, out var twin) && file.Contains(twin)) return twin;
        const string logits = ".to_logits.weight";
        if (key.EndsWith(logits, StringComparison.Ordinal))
        {
            // Trained with tied weights: the output head equals the token embedding.
            var tied = key[..^logits.Length] + ".token_emb.weight";
            if (file.Contains(tied)) return tied;
        }
        return null;
    }

    /// <summary>Pairs of state-dict names that refer to one shared tensor (encoder/decoder <c>mod_emb</c>).</summary>
    private static Dictionary<string, string> SharedAliases(FourMModel model, Dictionary<string, Tensor> state)
    {
        var byHandle = new Dictionary<IntPtr, List<string>>();
        foreach (var (key, tensor) in state)
        {
            if (!byHandle.TryGetValue(tensor.Handle, out var names)) byHandle[tensor.Handle] = names = [];
            names.Add(key);
        }
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var names in byHandle.Values.Where(n => n.Count == 2))
        {
            aliases[names[0]] = names[1];
            aliases[names[1]] = names[0];
        }
        return aliases;
    }

    private static void Copy(SafetensorsFile file, string source, string key, Tensor target)
    {
        var entry = file.Entry(source);
        if (!entry.Shape.SequenceEqual(target.shape))
            throw new SafetensorsFormatException(file.Path,
                $"tensor '{source}' (for '{key}') has shape {entry.ShapeText}, the model expects [{string.Join(", ", target.shape)}]");
        using var value = file.ReadTensor(source, target.dtype, target.device);
        target.copy_(value);
    }
}
