using System.Buffers.Binary;
using System.Text.Json;

namespace FourM.Tokenizers.Tests;

/// <summary>
/// Reads integer and bool tensors from a golden .safetensors file (8-byte little-endian header length, JSON header, raw
/// little-endian data). Test-only: the tokenizer library has no tensor dependency.
/// </summary>
internal sealed class SafetensorsTestFile
{
    private readonly byte[] _bytes;
    private readonly long _dataStart;
    private readonly JsonElement _header;

    public SafetensorsTestFile(string path)
    {
        _bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(_bytes);
        _header = JsonDocument.Parse(_bytes.AsMemory(8, (int)headerLength)).RootElement;
        _dataStart = 8 + headerLength;
    }

    /// <summary>All elements of an I32, I64 or BOOL tensor, flattened, as longs.</summary>
    public long[] ReadIntegers(string name)
    {
        if (!_header.TryGetProperty(name, out var entry)) throw new KeyNotFoundException($"tensor '{name}' is not in the file");
        string dtype = entry.GetProperty("dtype").GetString()!;
        var offsets = entry.GetProperty("data_offsets");
        var data = _bytes.AsSpan((int)(_dataStart + offsets[0].GetInt64()), (int)(offsets[1].GetInt64() - offsets[0].GetInt64()));
        int width = dtype switch
        {
            "I64" => 8,
            "I32" => 4,
            "BOOL" => 1,
            _ => throw new NotSupportedException($"tensor '{name}' has dtype {dtype}; this reader handles I64, I32 and BOOL"),
        };
        var values = new long[data.Length / width];
        for (int i = 0; i < values.Length; i++)
        {
            var element = data.Slice(width * i, width);
            values[i] = width switch
            {
                8 => BinaryPrimitives.ReadInt64LittleEndian(element),
                4 => BinaryPrimitives.ReadInt32LittleEndian(element),
                _ => element[0],
            };
        }
        return values;
    }
}
