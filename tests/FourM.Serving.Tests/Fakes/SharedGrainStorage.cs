using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace FourM.Serving.Tests.Fakes;

/// <summary>
/// Grain storage that outlives any one silo of an in-process test cluster, standing in for a durable provider: the
/// in-memory provider keeps state in grains of the silos themselves, so a silo that stops takes part of it along.
/// States are deep-copied in and out, as a real store would serialise them.
/// </summary>
/// <param name="store">Names the store: every silo of one test cluster passes the same name.</param>
public sealed class SharedGrainStorage(DeepCopier copier, string store) : IGrainStorage
{
    private static readonly ConcurrentDictionary<(string Store, string Grain), (object State, string ETag)> Records = new();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Records.TryGetValue(Key(stateName, grainId), out var record))
        {
            grainState.State = copier.Copy((T)record.State);
            grainState.ETag = record.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var etag = Guid.NewGuid().ToString("N");
        var copy = (object)copier.Copy(grainState.State)!;
        Records.AddOrUpdate(key,
            _ => grainState.ETag is null ? (copy, etag) : throw new InconsistentStateException("no stored record", "none", grainState.ETag),
            (_, old) => old.ETag == grainState.ETag ? (copy, etag) : throw new InconsistentStateException("etag mismatch", old.ETag, grainState.ETag ?? "none"));
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Records.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private (string, string) Key(string stateName, GrainId grainId) => (store, $"{stateName}/{grainId}");
}
