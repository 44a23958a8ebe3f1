using FourM.Grains.Interfaces.Sessions;

namespace FourM.Client.Contracts;

/// <summary>One modality of a session as the HTTP API returns it: token ids, plus text where a decoder exists.</summary>
public sealed record SessionOutput(string Modality, SessionPhase Phase, long[] Tokens, bool[] InputMask, string? Text, bool PngAvailable)
{
    public static SessionOutput From(ModalityOutput output, GenerationResult result) =>
        new(output.Modality, result.Status.Phase, output.Tokens, output.InputMask,
            result.Text(output.Modality), result.Status.Phase == SessionPhase.Completed && result.CanRenderPng(output.Modality));
}

/// <summary>A session's status and all its outputs (<c>GET /v1/sessions/{id}/result</c>).</summary>
public sealed record SessionResultView(SessionStatus Status, IReadOnlyList<SessionOutput> Outputs);
