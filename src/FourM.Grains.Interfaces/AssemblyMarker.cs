namespace FourM.Grains.Interfaces;

internal static class AssemblyMarker { }
