namespace FourM.Tokenizers;

internal static class AssemblyMarker { }
