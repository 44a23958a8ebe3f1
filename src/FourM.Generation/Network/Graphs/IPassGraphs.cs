namespace FourM.Generation.Network;

/// <summary>What a network's settings need of a pass graph cache (<see cref="PassGraphs{TBuffers}"/>).</summary>
public interface IPassGraphs : IDisposable
{
    /// <summary>Most graphs kept.</summary>
    int Capacity { get; set; }
}
