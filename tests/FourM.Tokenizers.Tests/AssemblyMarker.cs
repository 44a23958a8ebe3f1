namespace FourM.Tokenizers.Tests;

internal static class AssemblyMarker { }
