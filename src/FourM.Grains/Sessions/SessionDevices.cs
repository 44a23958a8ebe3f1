using FourM.Grains.Devices;
using FourM.Grains.Interfaces.Admission;
using FourM.Grains.Interfaces.Devices;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Grains.Sessions;

/// <summary>The encoder and decoder devices of a session (the same device unless disaggregated).</summary>
public readonly record struct SessionDevicePair(DeviceAddress Encoder, DeviceAddress Decoder)
{
    /// <summary>Each device once.</summary>
    public IEnumerable<DeviceAddress> Distinct()
    {
        yield return Encoder;
        if (Decoder != Encoder) yield return Decoder;
    }
}

/// <summary>
/// Where one session runs: ranks the cluster's devices by load, picks the encoder and decoder devices for a request, and
/// admits or releases the session on them (registration with each device engine's batching barrier).
/// </summary>
public sealed class SessionDevices(IGrainFactory grains, DeviceDirectory directory, string sessionId)
{
    /// <summary>
    /// Devices ordered by load (active sessions, then queued jobs), ties broken by a hash of the session id, leaving out
    /// <paramref name="exclude"/>. Throws <see cref="RejectionReason.NoDevice"/> when none is left or a pinned device is unknown.
    /// </summary>
    public async Task<IReadOnlyList<DeviceAddress>> Rank(SessionRequest request, IReadOnlyCollection<DeviceAddress>? exclude = null)
    {
        var devices = directory.Devices().Where(d => exclude?.Contains(d) != true).ToList();
        if (devices.Count == 0)
            throw new ServingRejectedException(RejectionReason.NoDevice, TimeSpan.FromSeconds(5),
                exclude is { Count: > 0 } ? "no other device in the cluster" : "no silo of the cluster announces a device");
        if (request.Device is not null)
        {
            var pinned = DeviceAddress.Parse(request.Device);
            if (!devices.Contains(pinned))
                throw new ServingRejectedException(RejectionReason.NoDevice, TimeSpan.FromSeconds(5),
                    $"device '{request.Device}' is not in the cluster (known: {string.Join(", ", devices)})");
        }
        var loads = await Task.WhenAll(devices.Select(d => grains.GetGrain<IDeviceGrain>(d.ToString()).GetLoad()));
        var salt = (uint)StringComparer.Ordinal.GetHashCode(sessionId);
        return devices
            .Select((d, i) => (Device: d, Load: loads[i], Tie: (uint)i ^ salt))
            .OrderBy(x => x.Load.ActiveSessions).ThenBy(x => x.Load.QueuedJobs).ThenBy(x => x.Tie)
            .Select(x => x.Device)
            .ToList();
    }

    /// <summary>The devices for a request when <paramref name="candidate"/> encodes (a pinned request keeps its own).</summary>
    public static SessionDevicePair Choose(SessionRequest request, IReadOnlyList<DeviceAddress> ranked, DeviceAddress candidate)
    {
        var encoder = request.Device is null ? candidate : DeviceAddress.Parse(request.Device);
        if (request.Mode != ServingMode.Disaggregated) return new(encoder, encoder);
        if (request.DecoderDevice is not null)
        {
            var decoder = DeviceAddress.Parse(request.DecoderDevice);
            if (!ranked.Contains(decoder))
                throw new ServingRejectedException(RejectionReason.NoDevice, TimeSpan.FromSeconds(5), $"decoder device '{request.DecoderDevice}' is not in the cluster");
            return new(encoder, decoder);
        }
        // Prefer a device on another silo, then another device; a single-device cluster still ships the context.
        var other = ranked.FirstOrDefault(d => d.Silo != encoder.Silo) ?? ranked.FirstOrDefault(d => d != encoder) ?? encoder;
        return new(encoder, other);
    }

    /// <summary>
    /// Admits the session on the best-ranked device that still has room. Concurrent starts rank devices from the same
    /// load snapshot, so the favourite can fill up in between; that device is then skipped rather than failing the start.
    /// A pinned request gets its device or the device's rejection.
    /// </summary>
    public async Task<SessionDevicePair> AdmitOnFirstAvailable(SessionRequest request, IReadOnlyList<DeviceAddress> ranked)
    {
        IReadOnlyList<DeviceAddress> candidates = request.Device is null ? ranked : [DeviceAddress.Parse(request.Device)];
        ServingRejectedException? lastRejection = null;
        foreach (var candidate in candidates)
        {
            var devices = Choose(request, ranked, candidate);
            try
            {
                await Admit(devices, request.ModelId);
                return devices;
            }
            catch (ServingRejectedException ex) when (ex.Reason is RejectionReason.QueueFull or RejectionReason.Draining)
            {
                lastRejection = ex;
            }
        }
        throw lastRejection!;
    }

    /// <summary>Admits the session on every device of the pair, or on none (a rejection undoes the admissions before it).</summary>
    public async Task Admit(SessionDevicePair devices, string modelId)
    {
        var admitted = new List<DeviceAddress>();
        try
        {
            foreach (var device in devices.Distinct())
            {
                await grains.GetGrain<IDeviceGrain>(device.ToString()).Admit(sessionId, modelId);
                admitted.Add(device);
            }
        }
        catch
        {
            foreach (var device in admitted) await grains.GetGrain<IDeviceGrain>(device.ToString()).Release(sessionId);
            throw;
        }
    }

    public async Task Release(SessionDevicePair devices)
    {
        foreach (var device in devices.Distinct()) await grains.GetGrain<IDeviceGrain>(device.ToString()).Release(sessionId);
    }

    /// <summary>Whether the cluster still announces every device of the pair.</summary>
    public bool StillAnnounced(SessionDevicePair devices)
    {
        var announced = directory.Devices();
        return devices.Distinct().All(announced.Contains);
    }
}
