namespace FourM.Engine;

internal static class AssemblyMarker { }
