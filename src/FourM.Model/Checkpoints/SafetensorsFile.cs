using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Model.Checkpoints;

/// <summary>
/// A safetensors file opened read-only through a memory map: the header is parsed and validated once; tensor bytes are
/// copied straight from the mapped pages into tensor storage, so multi-GB checkpoints never pass through managed arrays.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private byte* _pointer;

    private SafetensorsFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* pointer,
        SafetensorsHeader header)
    {
        Path = path;
        Length = length;
        _map = map;
        _view = view;
        _pointer = pointer;
        Header = header;
    }

    public string Path { get; }
    public long Length { get; }
    public SafetensorsHeader Header { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => Header.Entries;
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;
    public IEnumerable<string> Names => Header.Entries.Keys;

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        var length = new FileInfo(path).Length;
        if (length == 0)
        {
            // An empty file cannot be mapped; let the header check report it.
            SafetensorsHeader.Parse(path, 0, (_, _) => []);
        }
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            var basePointer = pointer;
            var header = SafetensorsHeader.Parse(path, length, (offset, count) => new ReadOnlySpan<byte>(basePointer + offset, count).ToArray());
            return new SafetensorsFile(path, length, map, view, pointer, header);
        }
        catch
        {
            if (pointer != null) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => Header.Entries.ContainsKey(name);

    public SafetensorsEntry Entry(string name) =>
        Header.Entries.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>The raw little-endian bytes of one tensor (valid while this file is open; at most 2 GiB).</summary>
    public ReadOnlySpan<byte> RawBytes(string name)
    {
        var entry = Entry(name);
        if (entry.ByteLength > int.MaxValue)
            throw new InvalidOperationException($"{Path}: tensor '{name}' is {entry.ByteLength} bytes, too large for a span; use ReadTensor");
        return new ReadOnlySpan<byte>(DataPointer(entry), (int)entry.ByteLength);
    }

    /// <summary>
    /// Creates a tensor holding a copy of <paramref name="name"/>, converted to <paramref name="dtype"/> (default: the stored
    /// dtype) and moved to <paramref name="device"/> (default: CPU).
    /// </summary>
    public Tensor ReadTensor(string name, ScalarType? dtype = null, Device? device = null)
    {
        var entry = Entry(name);
        using var scope = NewDisposeScope();
        var stored = empty(entry.Shape, entry.Dtype.ToScalarType(), CPU);
        CopyInto(entry, stored);
        var result = stored;
        if (dtype is { } target && target != stored.dtype) result = result.to_type(target);
        if (device is not null && device.type != DeviceType.CPU) result = result.to(device);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Reads a tensor and checks it has the expected shape, naming the file and key when it does not.</summary>
    public Tensor ReadTensor(string name, long[] expectedShape, ScalarType? dtype = null, Device? device = null)
    {
        var entry = Entry(name);
        if (!entry.Shape.SequenceEqual(expectedShape))
            throw new SafetensorsFormatException(Path,
                $"tensor '{name}' has shape {entry.ShapeText}, expected [{string.Join(", ", expectedShape)}]");
        return ReadTensor(name, dtype, device);
    }

    private void CopyInto(SafetensorsEntry entry, Tensor destination)
    {
        if (entry.ByteLength == 0) return;
        var target = (byte*)TensorStorage.DataPointer(destination);
        Buffer.MemoryCopy(DataPointer(entry), target, entry.ByteLength, entry.ByteLength);
    }

    private byte* DataPointer(SafetensorsEntry entry)
    {
        ObjectDisposedException.ThrowIf(_pointer == null, this);
        return _pointer + Header.DataOffset + entry.Begin;
    }

    public void Dispose()
    {
        if (_pointer == null) return;
        _pointer = null;
        _view?.SafeMemoryMappedViewHandle.ReleasePointer();
        _view?.Dispose();
        _map?.Dispose();
    }
}

/// <summary>Access to the native storage of a contiguous CPU tensor.</summary>
internal static class TensorStorage
{
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    public static IntPtr DataPointer(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU) throw new InvalidOperationException("tensor storage access needs a CPU tensor");
        if (!tensor.is_contiguous()) throw new InvalidOperationException("tensor storage access needs a contiguous tensor");
        var pointer = THSTensor_data(tensor.Handle);
        if (pointer == IntPtr.Zero && tensor.numel() > 0) throw new InvalidOperationException("tensor has no storage");
        return pointer;
    }
}
