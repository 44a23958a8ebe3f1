using System.Globalization;
using System.Text.Json;
using FourM.Model.Checkpoints;
using FourM.Model.Modalities;

namespace FourM.Model.Configuration;

/// <summary>
/// Reads <see cref="FourMConfig"/> from a Hugging Face <c>config.json</c> or from safetensors <c>__metadata__</c> (values are
/// Python-literal strings). Modality names are checked against the registry; an optional <c>modalities</c> array in
/// config.json registers user modalities first.
/// </summary>
public static class FourMConfigReader
{
    public static FourMConfig FromJsonFile(string path, ModalityRegistry registry)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}: not valid JSON ({ex.Message})", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: config must be a JSON object");
            if (doc.RootElement.TryGetProperty("modalities", out var custom)) registry.RegisterFromJson(custom, path);
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject()) values[property.Name] = FromJson(property.Value);
            // The hub mixin may nest the model config under "config".
            if (values.TryGetValue("config", out var nested) && nested is Dictionary<string, object?> inner && !values.ContainsKey("dim"))
                values = inner;
            return Build(values, path, registry);
        }
    }

    public static FourMConfig FromMetadata(IReadOnlyDictionary<string, string> metadata, string source, ModalityRegistry registry)
    {
        var values = metadata.ToDictionary(kv => kv.Key, kv => PythonLiteral.Parse(kv.Value), StringComparer.Ordinal);
        return Build(values, source + " __metadata__", registry);
    }

    /// <summary>True when the metadata carries a model config (as released checkpoints do).</summary>
    public static bool MetadataHasConfig(IReadOnlyDictionary<string, string> metadata) =>
        metadata.ContainsKey("domains_in") && metadata.ContainsKey("dim");

    /// <summary>The config as Python-literal metadata strings, the form the reference writes into checkpoints.</summary>
    public static Dictionary<string, string> ToMetadata(FourMConfig config)
    {
        static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(i => $"'{i}'")) + "]";
        static string Bool(bool b) => b ? "True" : "False";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["domains_in"] = List(config.DomainsIn),
            ["domains_out"] = List(config.DomainsOut),
            ["image_size"] = config.ImageSize.ToString(CultureInfo.InvariantCulture),
            ["patch_size"] = config.PatchSize.ToString(CultureInfo.InvariantCulture),
            ["dim"] = config.Dim.ToString(CultureInfo.InvariantCulture),
            ["encoder_depth"] = config.EncoderDepth.ToString(CultureInfo.InvariantCulture),
            ["decoder_depth"] = config.DecoderDepth.ToString(CultureInfo.InvariantCulture),
            ["num_heads"] = config.NumHeads.ToString(CultureInfo.InvariantCulture),
            ["mlp_ratio"] = config.MlpRatio.ToString("0.0###", CultureInfo.InvariantCulture),
            ["qkv_bias"] = Bool(config.QkvBias),
            ["proj_bias"] = Bool(config.ProjBias),
            ["mlp_bias"] = Bool(config.MlpBias),
            ["norm_bias"] = Bool(config.NormBias),
            ["act_layer"] = config.ActLayer,
            ["gated_mlp"] = Bool(config.GatedMlp),
            ["qk_norm"] = Bool(config.QkNorm),
            ["share_modality_embeddings"] = Bool(config.ShareModalityEmbeddings),
        };
    }

    private static FourMConfig Build(Dictionary<string, object?> values, string source, ModalityRegistry registry)
    {
        var reader = new ValueReader(values, source);
        var config = new FourMConfig
        {
            DomainsIn = reader.Modalities("domains_in", registry, required: true)!,
            DomainsOut = reader.Modalities("domains_out", registry, required: false) ?? [],
            ImageSize = reader.Int("image_size") ?? 224,
            PatchSize = reader.Int("patch_size") ?? 16,
            Dim = reader.Int("dim") ?? 768,
            EncoderDepth = reader.Int("encoder_depth") ?? 12,
            DecoderDepth = reader.Int("decoder_depth") ?? 12,
            NumHeads = reader.Int("num_heads") ?? 12,
            MlpRatio = reader.Double("mlp_ratio") ?? 4.0,
            QkvBias = reader.Bool("qkv_bias") ?? true,
            ProjBias = reader.Bool("proj_bias") ?? true,
            MlpBias = reader.Bool("mlp_bias") ?? true,
            NormBias = reader.Bool("norm_bias") ?? true,
            ActLayer = reader.String("act_layer") ?? "GELU",
            GatedMlp = reader.Bool("gated_mlp") ?? false,
            QkNorm = reader.Bool("qk_norm") ?? false,
            ShareModalityEmbeddings = reader.Bool("share_modality_embeddings") ?? true,
            DecoderCausalMask = reader.Bool("decoder_causal_mask") ?? false,
            DecoderSepMask = reader.Bool("decoder_sep_mask") ?? true,
            NumRegisterTokens = reader.Int("num_register_tokens") ?? 0,
        };
        config.Validate(source);
        return config;
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal),
        _ => null,
    };

    /// <summary>Typed access to loosely typed config values, with errors naming the source and key.</summary>
    private sealed class ValueReader(Dictionary<string, object?> values, string source)
    {
        private object? Raw(string key) => values.TryGetValue(key, out var v) ? v : null;

        public int? Int(string key) => Raw(key) switch
        {
            null => null,
            long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
            var other => throw new FormatException($"{source}: '{key}' must be an integer, found {Describe(other)}"),
        };

        public double? Double(string key) => Raw(key) switch
        {
            null => null,
            long l => l,
            double d => d,
            var other => throw new FormatException($"{source}: '{key}' must be a number, found {Describe(other)}"),
        };

        public bool? Bool(string key) => Raw(key) switch
        {
            null => null,
            bool b => b,
            var other => throw new FormatException($"{source}: '{key}' must be a boolean, found {Describe(other)}"),
        };

        public string? String(string key) => Raw(key) switch
        {
            null => null,
            string s => s,
            var other => throw new FormatException($"{source}: '{key}' must be a string, found {Describe(other)}"),
        };

        public IReadOnlyList<string>? Modalities(string key, ModalityRegistry registry, bool required)
        {
            var raw = Raw(key);
            if (raw is null)
                return required ? throw new FormatException($"{source}: missing '{key}'") : null;
            if (raw is not List<object?> list || list.Any(i => i is not string))
                throw new FormatException($"{source}: '{key}' must be a list of modality names, found {Describe(raw)}");
            var names = list.Cast<string>().ToList();
            foreach (var name in names)
                if (!registry.Contains(name))
                    throw new FormatException($"{source}: '{key}' names unknown modality '{name}' (register it, or use one of: " +
                                              $"{string.Join(", ", registry.All.Select(m => m.Name).Order(StringComparer.Ordinal))})");
            if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
                throw new FormatException($"{source}: '{key}' lists a modality twice");
            return names;
        }

        private static string Describe(object? value) => value switch
        {
            null => "None",
            string s => $"'{s}'",
            List<object?> => "a list",
            Dictionary<string, object?> => "a dict",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
        };
    }
}
