using FourM.Engine.Batching;
using FourM.Engine.Engine;
using FourM.Grains.Devices;
using FourM.Grains.Interfaces.Imaging;
using FourM.Grains.Placement;
using FourM.ImageTokenizers.Imaging;
using Orleans.Concurrency;

namespace FourM.Grains.Imaging;

/// <summary>
/// Tokenizes uploaded images and renders decoded outputs on its device. Image decoding and PNG encoding are CPU work
/// done off the device thread (on the thread pool); only the tokenizer calls go through the engine, where they batch.
/// </summary>
[DevicePlacement, Reentrant]
public sealed class ImageTokenizerGrain(DeviceEngines engines, ILocalSiloDetails silo, ImageTokenizerCatalog catalog)
    : DeviceGrainBase(engines, silo), IImageTokenizerGrain
{
    private static readonly ImagePreparation Preparation = new();

    public async Task<long[]> Tokenize(string sessionId, string modality, byte[] image, CancellationToken cancellationToken = default)
    {
        var size = catalog.ImageSizeOf(modality);
        var input = await Task.Run(() => Prepare(() => Preparation.ForTokenizer(image, ImageModalities.FromName(modality), size)), cancellationToken);
        var (tokens, _) = await EngineCalls.Admitted(() =>
            Engine.SubmitTokenize(input, new JobScheduling(sessionId, modality, PriorityClass: 0, Deadline: null), cancellationToken));
        return tokens;
    }

    public Task<float[]> PrepareModelPixels(byte[] image, int size) =>
        Task.Run(() => Prepare(() => Preparation.ForModelRgb(image, size)).Pixels!);

    public async Task<byte[]> RenderPng(string sessionId, string modality, long[] tokens, int steps, long seed, CancellationToken cancellationToken = default)
    {
        var kind = ImageModalities.FromName(modality);
        catalog.ImageSizeOf(modality);
        var (map, _) = await EngineCalls.Admitted(() =>
            Engine.SubmitDetokenize(tokens, steps, seed, new JobScheduling(sessionId, modality, PriorityClass: 0, Deadline: null), cancellationToken));
        return await Task.Run(() => OutputRendering.Render(map, kind).Png, cancellationToken);
    }

    /// <summary>Refusals of the upload become argument errors, which cross the cluster with their message.</summary>
    private static TokenizerInput Prepare(Func<TokenizerInput> prepare)
    {
        try { return prepare(); }
        catch (ImageDecodeException ex) { throw new ArgumentException($"image input refused ({ex.Failure}): {ex.Message}"); }
    }
}
