namespace FourM.Serving.Tests;

internal static class AssemblyMarker { }
