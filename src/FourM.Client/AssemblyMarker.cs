namespace FourM.Client;

internal static class AssemblyMarker { }
