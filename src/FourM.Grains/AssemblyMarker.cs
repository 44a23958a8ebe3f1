namespace FourM.Grains;

internal static class AssemblyMarker { }
