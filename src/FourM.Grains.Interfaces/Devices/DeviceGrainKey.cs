namespace FourM.Grains.Interfaces.Devices;

/// <summary>
/// Key of an encoder/decoder grain: one model on one device of one silo, written <c>{silo}/{device}/{modelId}</c>
/// (the model id goes last because registry ids may contain '/'), and for lanes other than 0 <c>{silo}/{device}/{modelId},{lane}</c>
/// (registry ids and versions never contain ','). Device placement reads the silo from it. Lanes are separate activations in
/// front of the same device engine: a grain activation runs one turn at a time, and when a batch completes, every session of
/// it needs a turn to receive its result and another to hand in its next step, so one activation per device would queue them
/// all while the device waits.
/// </summary>
public sealed record DeviceGrainKey(DeviceAddress Device, string ModelId, int Lane = 0)
{
    public override string ToString() => Lane == 0 ? $"{Device}/{ModelId}" : $"{Device}/{ModelId},{Lane}";

    public static DeviceGrainKey Parse(string key)
    {
        var parts = key.Split('/', 3);
        if (parts.Length != 3 || parts.Any(string.IsNullOrEmpty))
            throw new FormatException($"device grain key '{key}' must be '{{silo}}/{{device}}/{{modelId}}[,{{lane}}]'");
        var model = parts[2];
        var lane = 0;
        var comma = model.LastIndexOf(',');
        if (comma >= 0)
        {
            if (!int.TryParse(model.AsSpan(comma + 1), System.Globalization.NumberStyles.None, null, out lane) || lane < 1 || comma == 0)
                throw new FormatException($"device grain key '{key}': the lane after ',' must be a positive integer after a model id");
            model = model[..comma];
        }
        return new DeviceGrainKey(new DeviceAddress(parts[0], parts[1]), model, lane);
    }

    /// <summary>The lane a session's steps go through: a stable hash of its id over <paramref name="lanes"/> lanes.</summary>
    public static int LaneOf(string sessionId, int lanes)
    {
        if (lanes <= 1) return 0;
        uint hash = 2166136261;                                // FNV-1a: string.GetHashCode differs between processes
        foreach (var c in sessionId) hash = (hash ^ c) * 16777619;
        return (int)(hash % (uint)lanes);
    }
}
