using System.Globalization;
using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Generation.Steps;
using FourM.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Cli.Commands;

/// <summary>
/// <c>bench generate --pass-graphs-check</c>: encoder and decoder passes through pass graphs of a small capacity (so buckets
/// are evicted and captured again, all in one shared memory pool where libtorch offers one), in a random order of shapes,
/// against the same passes run eagerly. Reports the largest difference on real (unpadded) positions relative to the output's
/// scale: bf16 summation order gives about 1e-2; a replay reading or writing another graph's memory gives order 1.
/// </summary>
public static class BenchPassGraphsCheck
{
    public static string Run(FourMModel model, string label, int passes = 80, int capacity = 3)
    {
        var network = new FourMModelNetwork(model) { EncoderPassGraphs = true, DecoderPassGraphs = true };
        network.EncoderGraphCapacity = capacity;
        network.DecoderGraphCapacity = capacity;
        var random = new Random(7);
        long[] rowChoices = [1, 3, 6, 9, 17, 33], lengthChoices = [20, 70, 130, 200, 260];
        long width = model.Config.Dim;
        double encoderWorst = 0, decoderWorst = 0;
        try
        {
            for (int i = 0; i < passes; i++)
            {
                using var scope = NewDisposeScope();
                long rows = rowChoices[random.Next(rowChoices.Length)], length = lengthChoices[random.Next(lengthChoices.Length)];
                var lengths = Enumerable.Range(0, (int)rows).Select(_ => (long)random.Next(1, (int)length + 1)).ToArray();
                var tokens = randn([rows, length, width], dtype: model.Dtype, device: model.Device);
                var graphed = network.EncodePadded(tokens, lengths);
                var plain = network.Encode(tokens, EncoderPass.PaddingMask(lengths, length, model.Device));
                encoderWorst = Math.Max(encoderWorst, RelativeDifference(graphed, plain, lengths));

                long queries = rowChoices[random.Next(rowChoices.Length)] % 16 + 1;
                var queryLengths = Enumerable.Range(0, (int)rows).Select(_ => (long)random.Next(1, (int)queries + 1)).ToArray();
                var y = randn([rows, queries, width], dtype: model.Dtype, device: model.Device);
                var decodedGraphed = network.DecodePadded(y, plain, queryLengths, lengths);
                var decodedPlain = DecoderRows.DecodeMasked(network, y, plain, queryLengths, lengths);
                decoderWorst = Math.Max(decoderWorst, RelativeDifference(decodedGraphed, decodedPlain, queryLengths));
            }
            var encoder = network.EncoderGraphs;
            var decoder = network.DecoderGraphs;
            return string.Create(CultureInfo.InvariantCulture,
                $"pass graphs vs eager, {label}, {passes} random shapes, capacity {capacity}: encoder max rel |Δ| {encoderWorst:E2} ({encoder?.Captures ?? 0} captures, {encoder?.Replays ?? 0} replays, shared pool {encoder?.SharesPool ?? false}{(encoder?.Failure is { } ef ? $", failed: {ef}" : "")}); " +
                $"decoder max rel |Δ| {decoderWorst:E2} ({decoder?.Captures ?? 0} captures, {decoder?.Replays ?? 0} replays, shared pool {decoder?.SharesPool ?? false}{(decoder?.Failure is { } df ? $", failed: {df}" : "")})");
        }
        finally
        {
            network.EncoderPassGraphs = false;
            network.DecoderPassGraphs = false;
        }
    }

    /// <summary>Largest |a − b| over each row's first lengths[r] positions, over the largest |b| there.</summary>
    private static double RelativeDifference(Tensor a, Tensor b, long[] lengths)
    {
        double worst = 0, scale = 0;
        for (int r = 0; r < lengths.Length; r++)
        {
            using var x = a[r].narrow(0, 0, lengths[r]).to(ScalarType.Float32);
            using var y = b[r].narrow(0, 0, lengths[r]).to(ScalarType.Float32);
            using var diff = (x - y).abs().max();
            using var magnitude = y.abs().max();
            worst = Math.Max(worst, diff.item<float>());
            scale = Math.Max(scale, magnitude.item<float>());
        }
        return scale > 0 ? worst / scale : worst;
    }
}
