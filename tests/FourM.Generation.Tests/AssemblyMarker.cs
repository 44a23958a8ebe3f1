namespace FourM.Generation.Tests;

internal static class AssemblyMarker { }
