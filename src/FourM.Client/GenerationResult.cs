using FourM.Client.Outputs;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Client;

/// <summary>A session's outcome with typed access to each modality's tokens, and its text or PNG where a renderer exists.</summary>
public sealed class GenerationResult(SessionResult result, OutputRenderers renderers)
{
    public SessionResult Raw { get; } = result;
    public SessionStatus Status => Raw.Status;
    public bool Succeeded => Status.Phase == SessionPhase.Completed;
    public IReadOnlyList<string> Modalities => Raw.Modalities.Select(m => m.Modality).ToList();

    public ModalityOutput Output(string modality) =>
        Raw.Modalities.FirstOrDefault(m => m.Modality == modality)
        ?? throw new KeyNotFoundException($"session {Status.SessionId} has no modality '{modality}' (it has: {string.Join(", ", Modalities)})");

    public IReadOnlyList<long> Tokens(string modality) => Output(modality).Tokens;

    /// <summary>The modality decoded to text, or null when no text decoder is registered for it.</summary>
    public string? Text(string modality) => renderers.DecodeText(Output(modality));

    public bool CanRenderPng(string modality) => renderers.CanRenderPng(modality);

    /// <summary>The modality rendered as PNG, or null when no image renderer is registered for it.</summary>
    public Task<byte[]?> PngAsync(string modality, CancellationToken cancellationToken = default) =>
        renderers.RenderPngAsync(Output(modality), cancellationToken);
}
