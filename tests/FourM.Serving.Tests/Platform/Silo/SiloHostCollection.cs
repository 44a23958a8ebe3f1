using Xunit;

namespace FourM.Serving.Tests.Platform.Silo;

/// <summary>
/// Tests that start real silo hosts (TCP endpoints, engine threads, a real model) run on their own, after the parallel
/// tests, so that their CPU use cannot stretch other tests' waits on a small machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SiloHostCollection
{
    public const string Name = "silo hosts";
}
