using FourM.Model.Modalities;
using TorchSharp.Modules;
using static TorchSharp.torch;
using FourM.Model.Runtime;

namespace FourM.Model.Embeddings;

/// <summary>
/// What every adapter holds: the modality embedding <c>mod_emb</c> (1,1,D) and the position table <c>pos_emb</c> (1,N,D),
/// a sin-cos buffer or a learned parameter. Subclasses call <c>RegisterComponents()</c> once all their fields are set.
/// </summary>
public abstract class ModalityEmbeddingBase : nn.Module
{
#pragma warning disable IDE1006
    protected readonly Parameter mod_emb;
    protected readonly Tensor pos_emb;
#pragma warning restore IDE1006

    protected ModalityEmbeddingBase(string name, ModalityInfo modality, long dim, long positionRows, long? gridHeight, long? gridWidth,
        Parameter? sharedModalityEmbedding, Device device, ScalarType dtype) : base(name)
    {
        Modality = modality;
        Dim = dim;
        mod_emb = sharedModalityEmbedding ?? new Parameter(zeros(new long[] { 1, 1, dim }, dtype: dtype, device: device));
        if (!modality.SinCosPositions)
        {
            pos_emb = new Parameter(zeros(new long[] { 1, positionRows, dim }, dtype: dtype, device: device));
        }
        else
        {
            using var table = gridHeight is { } h && gridWidth is { } w ? SinCosPositions.Build2D(h, w, dim) : SinCosPositions.Build1D(positionRows, dim);
            pos_emb = table.to(dtype, device);
        }
    }

    public ModalityInfo Modality { get; }
    public long Dim { get; }

    /// <summary>
    /// Check token ids against the vocabulary and sequence lengths against the position table (default). Each check reads a
    /// value back from the device; callers that validated their inputs already may turn it off.
    /// </summary>
    public bool ValidateInputs { get; set; } = true;

    /// <summary>Whether this call checks its inputs on the device: <see cref="ValidateInputs"/>, unless the caller checked them on the host.</summary>
    protected bool ChecksOnDevice => ValidateInputs && !HostInputChecks.IsHostChecked(this);

    /// <summary>The modality embedding parameter (shared between encoder and decoder adapters when the config says so).</summary>
    public Parameter ModalityEmbedding => mod_emb;

    /// <summary>The position table (1, rows, D).</summary>
    public Tensor PositionEmbedding => pos_emb;

    /// <summary>(B, N, D) copy of <c>pos_emb + mod_emb</c> for grid modalities.</summary>
    protected Tensor GridEmbedding(long batch)
    {
        using var scope = NewDisposeScope();
        return pos_emb.Plus(mod_emb).expand(batch, -1, -1).contiguous().MoveToOuterDisposeScope();
    }
}
