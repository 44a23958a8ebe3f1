using System.Security.Cryptography;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// A job's own random stream. Seeded with the job's seed on the compute device, it replays exactly the draws the reference
/// makes from its global generator after <c>torch.manual_seed(seed + step)</c> (on CPU these are bit-identical), and no other
/// job in the batch can touch it. Unseeded jobs get a fresh random seed.
/// </summary>
public static class JobRandom
{
    public static Generator Create(long? seed, Device device)
    {
        ulong value = seed is { } s ? unchecked((ulong)s) : (ulong)RandomNumberGenerator.GetInt32(int.MaxValue);
        return new Generator(value, device);
    }
}
