using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Quantizers;

/// <summary>Maps latents to discrete tokens and tokens back to the latents the decoder consumes.</summary>
public interface IQuantizer
{
    /// <summary>Codebook entries per codebook (the token vocabulary).</summary>
    long CodebookSize { get; }

    /// <summary>(B, D, H, W) latents → tokens (B, H, W), or (B, heads, H, W) for multi-head codebooks.</summary>
    Tensor Tokenize(Tensor latent);

    /// <summary>Tokens (same layout as <see cref="Tokenize"/> returns) → (B, D, H, W) latents.</summary>
    Tensor Embed(Tensor tokens);
}
