using System.Text.Json;

namespace FourM.Model.Checkpoints;

/// <summary>
/// The parsed and validated JSON header of a safetensors file: every entry is checked against the data section
/// (known dtype, offsets inside the data, byte length equal to shape × element size, no overlaps), so later reads
/// can never leave the mapped region.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Headers beyond this size are rejected (the reference library uses the same bound).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private SafetensorsHeader(IReadOnlyDictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata,
        long dataOffset, long dataLength)
    {
        Entries = entries;
        Metadata = metadata;
        DataOffset = dataOffset;
        DataLength = dataLength;
    }

    /// <summary>Tensors by name, in header order.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    /// <summary>The string map under <c>__metadata__</c> (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>File offset of the data section (8 + header length).</summary>
    public long DataOffset { get; }

    public long DataLength { get; }

    /// <summary>Validates the 8-byte length prefix against the file size, then parses the header JSON.</summary>
    /// <param name="readHeader">Reads <c>count</c> bytes at file offset <c>offset</c>.</param>
    public static SafetensorsHeader Parse(string file, long fileLength, Func<long, int, byte[]> readHeader)
    {
        if (fileLength < 8)
            throw new SafetensorsFormatException(file, $"file is {fileLength} bytes; a safetensors file starts with an 8-byte header length");
        var prefix = readHeader(0, 8);
        var headerLength = BitConverter.ToUInt64(prefix, 0);
        if (headerLength > MaxHeaderBytes)
            throw new SafetensorsFormatException(file, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit (corrupt or not a safetensors file)");
        if ((long)headerLength > fileLength - 8)
            throw new SafetensorsFormatException(file, $"header length {headerLength} exceeds the {fileLength - 8} bytes after the length prefix (truncated file?)");
        if (headerLength < 2)
            throw new SafetensorsFormatException(file, $"header length {headerLength} is too small to hold a JSON object");
        var json = readHeader(8, (int)headerLength);
        var dataOffset = 8 + (long)headerLength;
        return ParseJson(file, json, dataOffset, fileLength - dataOffset);
    }

    private static SafetensorsHeader ParseJson(string file, byte[] json, long dataOffset, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new SafetensorsFormatException(file, $"header is not valid JSON ({ex.Message})", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(file, $"header must be a JSON object, found {doc.RootElement.ValueKind}");
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new SafetensorsFormatException(file, $"header names '{property.Name}' twice");
                if (property.Name == "__metadata__")
                    ReadMetadata(file, property.Value, metadata);
                else
                    entries.Add(property.Name, ReadEntry(file, property.Name, property.Value, dataLength));
            }
            CheckNoOverlap(file, entries.Values);
            return new SafetensorsHeader(entries, metadata, dataOffset, dataLength);
        }
    }

    private static void ReadMetadata(string file, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(file, $"__metadata__ must be an object of strings, found {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(file, $"__metadata__ key '{item.Name}' must be a string, found {item.Value.ValueKind}");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string file, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(file, $"tensor '{name}': header entry must be an object with dtype, shape and data_offsets");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new SafetensorsFormatException(file, $"tensor '{name}': missing string 'dtype'");
        var dtypeText = dtypeElement.GetString()!;
        var dtype = SafetensorsDtypes.TryParse(dtypeText) ?? throw new SafetensorsFormatException(file,
            $"tensor '{name}': unknown dtype '{dtypeText}' (supported: {string.Join(", ", Enum.GetNames<SafetensorsDtype>())})");
        var shape = ReadIntegers(file, name, value, "shape", expectedCount: null);
        var offsets = ReadIntegers(file, name, value, "data_offsets", expectedCount: 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end)
            throw new SafetensorsFormatException(file, $"tensor '{name}': data_offsets [{begin}, {end}] run backwards");
        if (end > dataLength)
            throw new SafetensorsFormatException(file, $"tensor '{name}': data_offsets [{begin}, {end}] end beyond the {dataLength}-byte data section (truncated file?)");
        long expectedBytes;
        try
        {
            expectedBytes = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(file, $"tensor '{name}': shape [{string.Join(", ", shape)}] overflows");
        }
        if (end - begin != expectedBytes)
            throw new SafetensorsFormatException(file,
                $"tensor '{name}': {dtypeText} [{string.Join(", ", shape)}] needs {expectedBytes} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(string file, string name, JsonElement value, string field, int? expectedCount)
    {
        if (!value.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException(file, $"tensor '{name}': missing array '{field}'");
        var result = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
                throw new SafetensorsFormatException(file, $"tensor '{name}': '{field}' must hold non-negative integers, found {item.GetRawText()}");
            result.Add(number);
        }
        if (expectedCount is { } count && result.Count != count)
            throw new SafetensorsFormatException(file, $"tensor '{name}': '{field}' must have {count} entries, found {result.Count}");
        return result.ToArray();
    }

    private static void CheckNoOverlap(string file, IEnumerable<SafetensorsEntry> entries)
    {
        SafetensorsEntry? previous = null;
        foreach (var entry in entries.Where(e => e.ByteLength > 0).OrderBy(e => e.Begin))
        {
            if (previous is not null && entry.Begin < previous.End)
                throw new SafetensorsFormatException(file, $"tensors '{previous.Name}' and '{entry.Name}' overlap in the data section");
            previous = entry;
        }
    }

    /// <summary>Serialises a header (used by the writer); entries must already have their final offsets.</summary>
    internal static byte[] Serialize(IEnumerable<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            foreach (var entry in entries)
            {
                writer.WriteStartObject(entry.Name);
                writer.WriteString("dtype", entry.Dtype.ToString());
                writer.WriteStartArray("shape");
                foreach (var d in entry.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(entry.Begin);
                writer.WriteNumberValue(entry.End);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        var length = stream.Length;
        var padded = (length + 8 + 7) / 8 * 8 - 8;
        for (var i = length; i < padded; i++) stream.WriteByte((byte)' ');
        return stream.ToArray();
    }
}
