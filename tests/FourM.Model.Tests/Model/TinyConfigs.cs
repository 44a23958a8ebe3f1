using FourM.Model.Configuration;

namespace FourM.Model.Tests.Model;

/// <summary>Small configurations shared by the model tests.</summary>
internal static class TinyConfigs
{
    /// <summary>SwiGLU, no bias, depth tokens and captions in and out, dim 32 (gated hidden width 85: not 64-aligned), 2+2 layers.</summary>
    public static readonly FourMConfig DepthTokensAndCaption = FourMPresets.Create(FourMSize.Tiny, FourMVariant.SwiGluNoBias,
        ["tok_depth@224", "caption"], ["tok_depth@224", "caption"]) with { Dim = 32, NumHeads = 2, EncoderDepth = 2, DecoderDepth = 2 };
}
