using FourM.Generation.Sampling;
using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

namespace FourM.Generation.Batching;

/// <summary>
/// A job's own random stream, so that its tokens never depend on which other jobs share the batch.
/// <para>
/// CPU: a private generator seeded with the job's seed; it replays exactly the draws the reference makes from its global
/// generator after <c>torch.manual_seed(seed + step)</c> (bit-identical, which the goldens check).
/// </para>
/// <para>
/// CUDA: TorchSharp 0.107 can only create CPU generators (its native <c>THSGenerator_new</c> ignores the device), and drawing
/// on the CPU would cost a host sync per draw. Instead every draw reseeds the device's default generator with a value derived
/// from (job seed, draw index) right before the kernel is launched. All work of a device runs on its one torch thread, so no
/// other job can draw in between, and a kernel captures its seed at launch, so reseeding never disturbs queued work. The first
/// draw uses the job seed itself, as the reference's first draw after <c>manual_seed</c> does; later draws are deterministic
/// per job but are not the reference's continuation of the CUDA stream.
/// </para>
/// </summary>
public sealed class JobRandom : IDisposable
{
    private readonly Generator? _cpuGenerator;
    private readonly ulong _seed;
    private readonly Device _device;
    private long _draws;

    private JobRandom(ulong seed, Device device)
    {
        _seed = seed;
        _device = device;
        if (device.type == DeviceType.CPU) _cpuGenerator = new Generator(seed, device);
    }

    public static JobRandom Create(long? seed, Device device) =>
        new(seed is { } s ? unchecked((ulong)s) : (ulong)RandomNumberGenerator.GetInt32(int.MaxValue), device);

    /// <summary><c>torch.rand(n)</c> on the job's device.</summary>
    public Tensor Rand(long n) => torch.rand(n, generator: PrepareDraw(), device: _device);

    /// <summary>One multinomial draw per row of <paramref name="probabilities"/> (rows, V): (rows, 1) int64 ids.</summary>
    public Tensor Multinomial(Tensor probabilities)
    {
        var generator = PrepareDraw();
        // On the CPU the same draws run in managed code without libtorch's log1p over every entry (CpuMultinomial).
        if (generator is not null && CpuMultinomial.TrySample(probabilities, generator) is { } ids) return ids;
        return torch.multinomial(probabilities, 1, replacement: false, generator: generator);
    }

    /// <summary>
    /// True when draws run on the CPU: there the multinomial is replayed in managed code (<see cref="CpuMultinomial"/>), which is
    /// faster than any batched libtorch call.
    /// </summary>
    public bool OnCpu => _cpuGenerator is not null;

    /// <summary>
    /// Fills <paramref name="slice"/> with Exp(1) draws, the one random call of <c>torch.multinomial(p, 1)</c> for rows of that
    /// shape (see <see cref="ExponentialRace"/>); it counts as one draw of the stream, like <see cref="Multinomial"/>.
    /// </summary>
    public void FillExponential(Tensor slice) => slice.exponential_(1.0, generator: PrepareDraw());

    private Generator? PrepareDraw()
    {
        long draw = _draws++;
        if (_cpuGenerator is not null) return _cpuGenerator;
        torch.cuda.manual_seed(unchecked((long)DeriveSeed(_seed, draw)));
        return null;
    }

    /// <summary>Draw 0 keeps the job seed; later draws mix (seed, draw) with SplitMix64 so nearby seeds give unrelated streams.</summary>
    internal static ulong DeriveSeed(ulong seed, long draw)
    {
        if (draw == 0) return seed;
        ulong z = unchecked(seed + 0x9E3779B97F4A7C15UL * (ulong)draw);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (z ^ (z >> 31)) & 0x7FFF_FFFF_FFFF_FFFFUL;
    }

    public void Dispose() => _cpuGenerator?.Dispose();
}
