using static TorchSharp.torch;

namespace FourM.Model.Checkpoints;

/// <summary>
/// Writes a safetensors file: tensors are queued by name (header order = queue order), then <see cref="Save"/> writes the
/// header (with optional string metadata, space-padded to 8 bytes) and streams each tensor's bytes from native storage.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<(string Name, Tensor? Tensor, byte[]? Raw, SafetensorsDtype Dtype, long[] Shape)> _items = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>Queues a tensor; it is read when <see cref="Save"/> runs, so keep it alive until then.</summary>
    public SafetensorsWriter Add(string name, Tensor tensor)
    {
        Reserve(name);
        _items.Add((name, tensor, null, SafetensorsDtypes.FromScalarType(tensor.dtype), tensor.shape));
        return this;
    }

    /// <summary>Queues raw little-endian bytes with an explicit dtype and shape (the length is checked).</summary>
    public SafetensorsWriter AddRaw(string name, SafetensorsDtype dtype, long[] shape, byte[] bytes)
    {
        var expected = shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize();
        if (bytes.LongLength != expected)
            throw new ArgumentException($"tensor '{name}': {dtype} [{string.Join(", ", shape)}] needs {expected} bytes, got {bytes.LongLength}");
        Reserve(name);
        _items.Add((name, null, bytes, dtype, shape));
        return this;
    }

    public SafetensorsWriter AddMetadata(string key, string value)
    {
        _metadata[key] = value;
        return this;
    }

    public void Save(string path)
    {
        var entries = new List<SafetensorsEntry>(_items.Count);
        long offset = 0;
        foreach (var item in _items)
        {
            var bytes = item.Shape.Aggregate(1L, (a, b) => a * b) * item.Dtype.ElementSize();
            entries.Add(new SafetensorsEntry(item.Name, item.Dtype, item.Shape, offset, offset + bytes));
            offset += bytes;
        }
        var header = SafetensorsHeader.Serialize(entries, _metadata);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(BitConverter.GetBytes((ulong)header.LongLength));
            stream.Write(header);
            foreach (var item in _items)
            {
                if (item.Raw is not null) stream.Write(item.Raw);
                else WriteTensor(stream, item.Tensor!);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static unsafe void WriteTensor(Stream stream, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        var length = cpu.numel() * cpu.element_size();
        var pointer = (byte*)TensorStorage.DataPointer(cpu);
        const int chunk = 1 << 26;
        for (long written = 0; written < length; written += chunk)
        {
            var count = (int)Math.Min(chunk, length - written);
            stream.Write(new ReadOnlySpan<byte>(pointer + written, count));
        }
    }

    private void Reserve(string name)
    {
        if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved for the header metadata");
        if (!_names.Add(name)) throw new ArgumentException($"tensor '{name}' was added twice");
    }
}
