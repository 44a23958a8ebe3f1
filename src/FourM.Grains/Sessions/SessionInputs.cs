using FourM.Grains.Interfaces.Sessions;

namespace FourM.Grains.Sessions;

/// <summary>
/// What a session stores once, at <c>Start</c>: its request, with its inputs resolved (image tokens, model pixels). Apart from
/// the per-step <see cref="SessionState"/>, so that a step's write never carries the inputs again: an image session's
/// 600 KB of pixels used to be copied by every write, some 30 times per session.
/// </summary>
[GenerateSerializer, Alias("fourm.SessionInputs")]
public sealed class SessionInputs
{
    [Id(0)] public SessionRequest? Request { get; set; }
}
