namespace FourM.Conformance;

internal static class AssemblyMarker { }
