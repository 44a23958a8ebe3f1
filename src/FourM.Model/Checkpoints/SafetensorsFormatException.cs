namespace FourM.Model.Checkpoints;

/// <summary>A safetensors file (or a checkpoint built from one) is malformed or does not match what the model expects.</summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException(string file, string message)
        : base($"{file}: {message}") => FileName = file;

    public SafetensorsFormatException(string file, string message, Exception inner)
        : base($"{file}: {message}", inner) => FileName = file;

    /// <summary>The file the problem was found in.</summary>
    public string FileName { get; }
}
