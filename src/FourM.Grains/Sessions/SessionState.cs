using FourM.Grains.Interfaces.Sessions;
using FourM.Grains.Interfaces.Work;

namespace FourM.Grains.Sessions;

/// <summary>
/// What a session persists after every step: with its <see cref="SessionInputs"/> (stored once), enough to rebuild the plan and
/// continue at the next step. The sample holds token grids and masks only; pixel inputs come back from the request.
/// </summary>
[GenerateSerializer, Alias("fourm.SessionState")]
public sealed class SessionState
{
    /// <summary>
    /// The request, in states written before it moved to <see cref="SessionInputs"/>: such a session still resumes. New states
    /// leave it null.
    /// </summary>
    [Id(0)] public SessionRequest? LegacyRequest { get; set; }
    [Id(1)] public SampleTensors? Sample { get; set; }
    [Id(2)] public int CompletedSteps { get; set; }
    [Id(3)] public int TotalSteps { get; set; }
    [Id(4)] public SessionPhase Phase { get; set; }
    [Id(5)] public string? Device { get; set; }
    [Id(6)] public string? DecoderDevice { get; set; }
    [Id(7)] public string? Error { get; set; }
    [Id(8)] public DateTimeOffset StartedAt { get; set; }
    [Id(9)] public DateTimeOffset Deadline { get; set; }
    [Id(10)] public List<SessionEdit> PendingEdits { get; set; } = new();
    [Id(11)] public int AppliedEdits { get; set; }
    /// <summary>Times the session moved to another device because its own went away.</summary>
    [Id(12)] public int Failovers { get; set; }
}
