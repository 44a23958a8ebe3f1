using System.Globalization;
using FourM.Generation.Network;

namespace FourM.Cli.Commands;

/// <summary>
/// The served network's pass-graph counters at one moment, so a benchmark run can report what it captured and ran eagerly
/// itself (first sights of shape buckets and captures are the costly passes of a run).
/// </summary>
public readonly record struct BenchGraphWindow(GraphCounters Encoder, GraphCounters Decoder)
{
    public static BenchGraphWindow Of(FourMModelNetwork network) =>
        new(GraphCounters.Of(network.EncoderGraphs), GraphCounters.Of(network.DecoderGraphs));

    public string Since(BenchGraphWindow before) =>
        $"encoder {Encoder.Since(before.Encoder)}; decoder {Decoder.Since(before.Decoder)}";
}

public readonly record struct GraphCounters(int Captures, long Replays, long Eager, TimeSpan CaptureTime)
{
    public static GraphCounters Of<T>(PassGraphs<T>? graphs) where T : class, IDisposable =>
        graphs is null ? default : new(graphs.Captures, graphs.Replays, graphs.EagerPasses, graphs.CaptureTime);

    public string Since(GraphCounters before) => string.Create(CultureInfo.InvariantCulture,
        $"{Captures - before.Captures} captured ({(CaptureTime - before.CaptureTime).TotalMilliseconds:0} ms), {Replays - before.Replays} replays, {Eager - before.Eager} eager");
}
