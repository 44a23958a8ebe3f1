using FourM.Model.Checkpoints;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Tests.Checkpoints;

/// <summary>
/// Writes small random tokenizer checkpoints in the reference layout (tensor names and shapes spelled out here, by hand,
/// from the reference modules), so configurations the goldens do not cover can be loaded and run.
/// </summary>
internal sealed class SyntheticCheckpoint : IDisposable
{
    private readonly Dictionary<string, long[]> _shapes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    public SyntheticCheckpoint Tensor(string name, params long[] shape)
    {
        _shapes[name] = shape;
        return this;
    }

    public SyntheticCheckpoint Meta(string key, string pythonLiteral)
    {
        _metadata[key] = pythonLiteral;
        return this;
    }

    public SyntheticCheckpoint Without(string name)
    {
        _shapes.Remove(name);
        return this;
    }

    public int Count => _shapes.Count;

    public SyntheticCheckpoint VitBlocks(string prefix, int depth, long dim)
    {
        for (var i = 0; i < depth; i++)
        {
            var block = $"{prefix}.blocks.{i}";
            foreach (var norm in new[] { "norm1", "norm2" }) Tensor($"{block}.{norm}.weight", dim).Tensor($"{block}.{norm}.bias", dim);
            Tensor($"{block}.attn.qkv.weight", 3 * dim, dim).Tensor($"{block}.attn.qkv.bias", 3 * dim);
            Tensor($"{block}.attn.proj.weight", dim, dim).Tensor($"{block}.attn.proj.bias", dim);
            Tensor($"{block}.mlp.fc1.weight", 4 * dim, dim).Tensor($"{block}.mlp.fc1.bias", 4 * dim);
            Tensor($"{block}.mlp.fc2.weight", dim, 4 * dim).Tensor($"{block}.mlp.fc2.bias", dim);
        }
        return this;
    }

    public SyntheticCheckpoint BottleneckMlp(string prefix, int blocks, long dimIn, long thin, long dimOut)
    {
        Tensor($"{prefix}.linear_in.weight", thin, dimIn).Tensor($"{prefix}.linear_in.bias", thin);
        for (var i = 0; i < blocks; i++)
        {
            Tensor($"{prefix}.blocks.{i}.block.0.weight", 4 * thin, thin).Tensor($"{prefix}.blocks.{i}.block.0.bias", 4 * thin);
            Tensor($"{prefix}.blocks.{i}.block.2.weight", thin, 4 * thin).Tensor($"{prefix}.blocks.{i}.block.2.bias", thin);
            Tensor($"{prefix}.layernorms.{i}.weight", thin).Tensor($"{prefix}.layernorms.{i}.bias", thin);
        }
        return Tensor($"{prefix}.linear_out.weight", dimOut, thin).Tensor($"{prefix}.linear_out.bias", dimOut);
    }

    public string Save(int seed)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fourm-imagetok-{Guid.NewGuid():N}.safetensors");
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed, CPU);
        var writer = new SafetensorsWriter();
        foreach (var (name, shape) in _shapes) writer.Add(name, randn(shape, ScalarType.Float32, CPU, generator: generator) * 0.2);
        foreach (var (key, value) in _metadata) writer.AddMetadata(key, value);
        writer.Save(path);
        _written.Add(path);
        return path;
    }

    private readonly List<string> _written = [];

    public void Dispose()
    {
        foreach (var path in _written) File.Delete(path);
    }
}
