using System.Text.Json.Nodes;
using FourM.Generation.Batching;
using FourM.Generation.Schedules;
using FourM.Model.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Conformance.Checks;

/// <summary>
/// One reference generation run from a golden folder: <c>gen_X.json</c> (arguments, schedule, per-step summary) and
/// <c>gen_X.safetensors</c> (<c>init.*</c>, <c>stepNN.*</c>, <c>final.*</c> states, logits rows). Everything is read from the
/// files, so other chains, seeds and modalities work unchanged.
/// </summary>
public sealed class GenerationGoldenCase : IDisposable
{
    private readonly SafetensorsFile _tensors;

    private GenerationGoldenCase(string name, JsonNode json, SafetensorsFile tensors, string folder)
    {
        Name = name;
        Json = json;
        _tensors = tensors;
        Folder = folder;
        Seed = json["seed"]?.GetValue<long>();
        var topK = json["top_k"];
        Sampling = new SamplingSettings(topK is null ? 0 : topK.GetValue<double>(), json["top_p"]?.GetValue<double>() ?? 0);
        Chain = ReferenceScheduleArguments.ToChain(json["schedule_args"] ?? throw new InvalidDataException($"{name}.json has no schedule_args"));
        ExpectedSchedule = json["schedule"]?.AsArray() ?? throw new InvalidDataException($"{name}.json has no schedule");
    }

    public string Name { get; }
    public string Folder { get; }
    public JsonNode Json { get; }
    public long? Seed { get; }
    public SamplingSettings Sampling { get; }
    public GenerationChain Chain { get; }
    public JsonArray ExpectedSchedule { get; }

    /// <summary>Every <c>gen_*.json</c> with a <c>.safetensors</c> twin.</summary>
    public static IEnumerable<string> Names(string folder) =>
        Directory.EnumerateFiles(folder, "gen_*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(n => File.Exists(Path.Combine(folder, n + ".safetensors"))).Order(StringComparer.Ordinal);

    public static GenerationGoldenCase Open(string folder, string name)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, name + ".json"))) ?? throw new InvalidDataException($"{name}.json is empty");
        return new GenerationGoldenCase(name, json, SafetensorsFile.Open(Path.Combine(folder, name + ".safetensors")), folder);
    }

    public bool HasState(string prefix) => _tensors.Names.Any(n => n.StartsWith(prefix + ".", StringComparison.Ordinal));

    public bool Has(string key) => _tensors.Contains(key);

    /// <summary>
    /// The sample stored under <paramref name="prefix"/> (<c>init</c>, <c>step03</c>, <c>final</c>), modalities ordered as the
    /// reference dict was built: condition domains, then targets, then anything else. Pixels omitted from the file are taken
    /// from another run in the folder that stores them (the goldens store each pixel input once).
    /// </summary>
    public SampleState ReadState(string prefix)
    {
        var modalities = _tensors.Names.Where(n => n.StartsWith(prefix + ".", StringComparison.Ordinal))
            .Select(n => n[(prefix.Length + 1)..]).Where(n => n.EndsWith(".input_mask", StringComparison.Ordinal))
            .Select(n => n[..^".input_mask".Length]).ToHashSet(StringComparer.Ordinal);
        var order = Chain.CondDomains.Concat(Chain.Targets.Select(t => t.Domain)).Where(modalities.Contains)
            .Concat(modalities.Where(m => !Chain.CondDomains.Contains(m) && Chain.Targets.All(t => t.Domain != m)).Order(StringComparer.Ordinal));
        var state = new SampleState();
        foreach (var m in order) state.Modalities.Add(ReadModality(prefix, m));
        return state;
    }

    private ModalityState ReadModality(string prefix, string modality)
    {
        string key = $"{prefix}.{modality}";
        var inputMask = Bools(key + ".input_mask");
        bool isPixels = modality.StartsWith("rgb@", StringComparison.Ordinal);
        float[]? pixels = null;
        int[]? pixelShape = null;
        long[] tokens = [];
        if (isPixels)
        {
            (pixels, pixelShape) = ReadPixels(modality) ?? throw new InvalidDataException($"{Name}: no pixels for '{modality}' in this file or any other gen_*.safetensors of the folder");
        }
        else tokens = Longs(key + ".tensor");
        return new ModalityState
        {
            Modality = modality,
            Tokens = tokens,
            InputMask = inputMask,
            TargetMask = Bools(key + ".target_mask"),
            DecoderAttentionMask = Has(key + ".decoder_attention_mask") ? Longs(key + ".decoder_attention_mask").Select(v => (int)v).ToArray() : null,
            Pixels = pixels,
            PixelShape = pixelShape,
        };
    }

    private (float[], int[])? ReadPixels(string modality)
    {
        string key = $"init.{modality}.tensor";
        if (Has(key)) return Pixels(_tensors, key);
        foreach (var other in Names(Folder).Where(n => n != Name))
        {
            using var file = SafetensorsFile.Open(Path.Combine(Folder, other + ".safetensors"));
            if (file.Contains(key)) return Pixels(file, key);
        }
        return null;
    }

    private static (float[], int[]) Pixels(SafetensorsFile file, string key)
    {
        using var t = file.ReadTensor(key, ScalarType.Float32);
        var shape = t.shape.Skip(1).Select(x => (int)x).ToArray();   // drop the batch dimension
        return (t.contiguous().data<float>().ToArray(), shape);
    }

    public long[] Longs(string key)
    {
        using var t = _tensors.ReadTensor(key, ScalarType.Int64);
        return t.contiguous().data<long>().ToArray();
    }

    public bool[] Bools(string key)
    {
        using var t = _tensors.ReadTensor(key, ScalarType.Bool);
        return t.contiguous().data<bool>().ToArray();
    }

    public Tensor Tensor(string key, ScalarType dtype) => _tensors.ReadTensor(key, dtype);

    public void Dispose() => _tensors.Dispose();
}
