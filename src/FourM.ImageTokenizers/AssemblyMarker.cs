namespace FourM.ImageTokenizers;

internal static class AssemblyMarker { }
