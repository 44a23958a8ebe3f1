namespace FourM.ImageTokenizers.Checkpoints;

/// <summary>
/// The tensor names and shapes of a checkpoint. Architecture sizes the metadata does not record (ViT width and depth, UNet
/// channels and layout) are read from here, so any checkpoint of the reference layout builds the matching network.
/// </summary>
public sealed class CheckpointShapes
{
    private readonly IReadOnlyDictionary<string, long[]> _shapes;

    public CheckpointShapes(IReadOnlyDictionary<string, long[]> shapes, string source)
    {
        _shapes = shapes;
        Source = source;
    }

    public string Source { get; }

    public bool Has(string name) => _shapes.ContainsKey(name);

    public long[] Shape(string name) => _shapes.TryGetValue(name, out var shape)
        ? shape
        : throw new InvalidDataException($"{Source}: tensor '{name}' is missing; the architecture cannot be inferred without it");

    public long Dim(string name, int axis) => Shape(name)[axis];

    /// <summary>How many consecutive children <c>prefix.0.</c>, <c>prefix.1.</c>, … have at least one tensor.</summary>
    public int CountIndexed(string prefix)
    {
        var count = 0;
        while (_shapes.Keys.Any(k => k.StartsWith($"{prefix}.{count}.", StringComparison.Ordinal))) count++;
        return count;
    }

    public bool HasPrefix(string prefix) => _shapes.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
}
