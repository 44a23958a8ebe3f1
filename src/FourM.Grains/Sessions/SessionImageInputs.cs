using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Imaging;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Grains.Sessions;

/// <summary>
/// Replaces a request's encoded-image inputs by what the model takes: token grids from the device's image tokenizer
/// (<c>tok_*</c>) or ImageNet-normalised pixels (<c>rgb@N</c>). Runs before planning, so the persisted request holds
/// tokens and a resumed session never tokenizes again.
/// </summary>
public static class SessionImageInputs
{
    public static async Task<SessionRequest> Resolve(SessionRequest request, string sessionId, DeviceAddress device,
        IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (request.Inputs.All(i => i.Image is null)) return request;
        var tokenizer = grains.GetGrain<IImageTokenizerGrain>(device.ToString());
        var inputs = new ModalityInput[request.Inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var input = request.Inputs[i];
            if (input.Image is not { } image) { inputs[i] = input; continue; }
            if (input.Tokens is not null || input.Pixels is not null || input.Text is not null)
                throw new ArgumentException($"input '{input.Modality}' gives an image and also tokens, pixels or text; give one");
            inputs[i] = input.Modality.StartsWith("tok_", StringComparison.Ordinal)
                ? input with { Image = null, Tokens = await tokenizer.Tokenize(sessionId, input.Modality, image, cancellationToken) }
                : input.Modality.StartsWith("rgb@", StringComparison.Ordinal)
                    ? await Pixels(input, image, tokenizer)
                    : throw new ArgumentException($"input '{input.Modality}' is not an image modality (tok_* or rgb@N) and cannot take an image");
        }
        return request with { Inputs = inputs };
    }

    private static async Task<ModalityInput> Pixels(ModalityInput input, byte[] image, IImageTokenizerGrain preparer)
    {
        var size = int.TryParse(input.Modality["rgb@".Length..], out var s) && s > 0 ? s
            : throw new ArgumentException($"pixel modality '{input.Modality}' must name its size (rgb@224)");
        return input with { Image = null, Pixels = await preparer.PrepareModelPixels(image, size), PixelShape = [3, size, size] };
    }
}
