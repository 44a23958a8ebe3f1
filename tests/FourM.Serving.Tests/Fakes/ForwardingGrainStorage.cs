using Orleans.Runtime;
using Orleans.Storage;

namespace FourM.Serving.Tests.Fakes;

/// <summary>A grain storage that passes reads and clears to another one; a test fake overrides what it does with writes.</summary>
public abstract class ForwardingGrainStorage(IGrainStorage inner) : IGrainStorage
{
    protected IGrainStorage Inner => inner;

    public abstract Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
