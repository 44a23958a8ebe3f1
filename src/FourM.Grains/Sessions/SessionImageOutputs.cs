using FourM.Grains.Interfaces.Imaging;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Grains.Sessions;

/// <summary>
/// Rendered PNGs of a session's image modalities, cached in the activation (not persisted: they can be rebuilt) by
/// modality, step count and the tokens they were decoded from.
/// </summary>
public sealed class SessionImageOutputs
{
    private readonly Dictionary<(string Modality, int Steps), (long[] Tokens, Task<byte[]> Png)> _cache = new();

    public Task<byte[]> Get(ModalityOutput output, int steps, Func<long[], Task<byte[]>> render)
    {
        if (output.InputMask.Any(masked => masked))
            throw new InvalidOperationException(
                $"'{output.Modality}' is not finished: {output.InputMask.Count(m => m)} of {output.InputMask.Length} tokens are still masked");
        var key = (output.Modality, steps);
        if (_cache.TryGetValue(key, out var cached) && cached.Tokens.AsSpan().SequenceEqual(output.Tokens) && !cached.Png.IsFaulted && !cached.Png.IsCanceled)
            return cached.Png;
        var png = render(output.Tokens);
        _cache[key] = (output.Tokens, png);
        return png;
    }
}
