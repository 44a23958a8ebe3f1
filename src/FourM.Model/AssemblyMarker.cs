namespace FourM.Model;

internal static class AssemblyMarker { }
