using TorchSharp;

namespace FourM.Generation.Network;

/// <summary>
/// One kind of pass graphs of a network (encoder or decoder): on or off, how many are kept, and the instance in use. Graphs
/// need CUDA, so turning them on elsewhere leaves them off.
/// </summary>
internal sealed class PassGraphsSetting<TGraphs>(torch.Device device, Func<TGraphs> create) where TGraphs : class, IPassGraphs
{
    /// <summary>The graphs in use, or null (off, or not a CUDA device).</summary>
    public TGraphs? Current { get; private set; } = device.type == DeviceType.CUDA ? create() : null;

    public bool Enabled
    {
        get => Current is not null;
        set
        {
            if (value == Enabled) return;
            Use(value && device.type == DeviceType.CUDA ? create() : null);
        }
    }

    /// <summary>How many graphs are kept (0 while off).</summary>
    public int Capacity
    {
        get => Current?.Capacity ?? 0;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            if (Current is not null) Current.Capacity = value;
        }
    }

    /// <summary>Replaces the graphs (null: none); tests pass ones that run their buckets eagerly on the CPU.</summary>
    public void Use(TGraphs? graphs)
    {
        Current?.Dispose();
        Current = graphs;
    }
}
