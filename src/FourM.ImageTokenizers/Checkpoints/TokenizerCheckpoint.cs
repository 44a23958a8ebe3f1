using System.Text.Json;
using FourM.ImageTokenizers.Configuration;
using FourM.Model.Checkpoints;

namespace FourM.ImageTokenizers.Checkpoints;

/// <summary>
/// An opened tokenizer checkpoint: a <c>.safetensors</c> file whose header metadata holds the constructor arguments as
/// Python literals, or a Hugging Face folder (<c>EPFL-VILAB/4M_tokenizers_*</c>: <c>model.safetensors</c> and
/// <c>config.json</c>). Metadata wins over <c>config.json</c> where both name a key.
/// </summary>
public sealed class TokenizerCheckpoint : IDisposable
{
    private TokenizerCheckpoint(SafetensorsFile file, TokenizerConfig config, CheckpointShapes shapes)
    {
        File = file;
        Config = config;
        Shapes = shapes;
    }

    public SafetensorsFile File { get; }
    public TokenizerConfig Config { get; }
    public CheckpointShapes Shapes { get; }
    public string Name => Path.GetFileName(File.Path);

    public static TokenizerCheckpoint Open(string path)
    {
        var (weightsPath, configPath) = Locate(path);
        SafetensorsFile file;
        try
        {
            file = SafetensorsFile.Open(weightsPath);
        }
        catch (Exception ex) when (ex is IOException or SafetensorsFormatException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"{weightsPath}: cannot open tokenizer weights: {ex.Message}", ex);
        }
        try
        {
            var name = Path.GetFileName(weightsPath);
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (configPath is not null)
                foreach (var (key, value) in ReadJsonConfig(configPath)) values[key] = value;
            foreach (var (key, text) in file.Metadata) values[key] = PythonLiteral.Parse(text);
            var shapes = new CheckpointShapes(file.Entries.ToDictionary(e => e.Key, e => e.Value.Shape, StringComparer.Ordinal), name);
            return new TokenizerCheckpoint(file, new TokenizerConfig(values, name), shapes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static (string Weights, string? Config) Locate(string path)
    {
        if (System.IO.File.Exists(path)) return (path, null);
        if (!Directory.Exists(path)) throw new TokenizerLoadException($"tokenizer not found: {path}");
        var candidates = Directory.GetFiles(path, "*.safetensors");
        var weights = candidates.FirstOrDefault(f => Path.GetFileName(f) == "model.safetensors")
                      ?? (candidates.Length == 1 ? candidates[0]
                          : throw new TokenizerLoadException($"{path}: expected model.safetensors or exactly one .safetensors file, found {candidates.Length}"));
        var config = Path.Combine(path, "config.json");
        return (weights, System.IO.File.Exists(config) ? config : null);
    }

    private static Dictionary<string, object?> ReadJsonConfig(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(System.IO.File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new TokenizerLoadException($"{path}: config is not a JSON object");
            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value), StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new TokenizerLoadException($"{path}: invalid JSON: {ex.Message}", ex);
        }
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => element.EnumerateObject().ToDictionary(p => p.Name, p => FromJson(p.Value)),
        _ => null,
    };

    public void Dispose() => File.Dispose();
}
