using System.Collections.Concurrent;
using FourM.Grains.Sessions;
using Orleans.Runtime;
using Orleans.Storage;

namespace FourM.Serving.Tests.Fakes;

/// <summary>Grain storage that records every write it passes on: the state's name and, for a session's state, whether its sample carried pixels.</summary>
public sealed class RecordingGrainStorage(IGrainStorage inner) : ForwardingGrainStorage(inner)
{
    public sealed record Write(string StateName, GrainId Grain, bool SampleHasPixels);

    private readonly ConcurrentQueue<Write> _writes = new();

    public IReadOnlyList<Write> Writes => _writes.ToList();

    public override Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var pixels = grainState.State is SessionState { Sample: { } sample } && sample.Modalities.Any(m => m.Pixels is not null);
        _writes.Enqueue(new Write(stateName, grainId, pixels));
        return Inner.WriteStateAsync(stateName, grainId, grainState);
    }
}
