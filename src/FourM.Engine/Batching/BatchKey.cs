using FourM.Engine.Engine;

namespace FourM.Engine.Batching;

/// <summary>
/// Compatibility key: jobs with the same key run in one batch. Targets, steps, token counts, schemes and guidance may
/// differ inside a key because the runner pads and masks per row.
/// </summary>
public readonly record struct BatchKey(WorkKind Kind, string ModelId)
{
    public override string ToString() => $"{Kind}:{ModelId}";
}
