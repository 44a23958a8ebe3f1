namespace FourM.ImageTokenizers.Tests;

internal static class AssemblyMarker { }
