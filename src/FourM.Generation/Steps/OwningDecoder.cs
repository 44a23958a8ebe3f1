using FourM.Generation.Network;
using static TorchSharp.torch;

namespace FourM.Generation.Steps;

/// <summary>Keeps the padded context alive exactly as long as its decoder.</summary>
internal sealed class OwningDecoder(IIncrementalDecoder inner, Tensor context, Tensor? padding) : IIncrementalDecoder
{
    public Tensor Step(Tensor next) => inner.Step(next);
    public void Dispose() { inner.Dispose(); context.Dispose(); padding?.Dispose(); }
}
