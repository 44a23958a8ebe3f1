using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// Encoder contexts as bytes for disaggregated serving: a little-endian header (magic, pass count, then rows and width per
/// pass) followed by each pass's values as bfloat16. Importing converts back to the receiving network's dtype and device.
/// </summary>
public static class ContextSerializer
{
    private const int Magic = 0x4D344358;   // "XC4M"

    public static byte[] Export(IReadOnlyList<ContextSlice> contexts)
    {
        using var scope = NewDisposeScope();
        var passContexts = contexts.Select(c => c.View()).ToList();
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Magic);
        writer.Write(passContexts.Count);
        foreach (var c in passContexts) { writer.Write((int)c.shape[0]); writer.Write((int)c.shape[1]); }
        foreach (var c in passContexts)
        {
            // A bf16 value widened to float32 has zero low bits: its upper 16 bits are the bf16 encoding.
            var widened = c.to(ScalarType.BFloat16).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
            foreach (var v in widened) writer.Write((short)(BitConverter.SingleToInt32Bits(v) >> 16));
        }
        writer.Flush();
        return stream.ToArray();
    }

    public static IReadOnlyList<ContextSlice> Import(byte[] payload, ScalarType dtype, Device device)
    {
        using var reader = new BinaryReader(new MemoryStream(payload));
        if (payload.Length < 8 || reader.ReadInt32() != Magic) throw new InvalidDataException("not an exported encoder context (bad magic)");
        int passes = reader.ReadInt32();
        if (passes is < 1 or > 64) throw new InvalidDataException($"exported encoder context claims {passes} passes");
        var shapes = Enumerable.Range(0, passes).Select(_ => (Rows: reader.ReadInt32(), Width: reader.ReadInt32())).ToArray();
        long expected = 8 + 8L * passes + shapes.Sum(s => 2L * s.Rows * s.Width);
        if (payload.Length != expected) throw new InvalidDataException($"exported encoder context has {payload.Length} bytes, its header describes {expected}");
        var result = new List<ContextSlice>(passes);
        foreach (var (rows, width) in shapes)
        {
            var values = new float[rows * width];
            for (int i = 0; i < values.Length; i++) values[i] = BitConverter.Int32BitsToSingle(reader.ReadInt16() << 16);
            using var widened = torch.tensor(values, [rows, width]);
            result.Add(ContextBlock.Single(widened.to(dtype, device)));
        }
        return result;
    }
}
