namespace FourM.Client;

/// <summary>Base of the errors the client SDK raises for serving outcomes (as opposed to transport failures).</summary>
public class FourMClientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The cluster refused the work before it ran (queue full, per-client cap, draining…); retry after <see cref="RetryAfter"/>.</summary>
public sealed class GenerationRejectedException(string reason, TimeSpan retryAfter, string message, Exception? inner = null)
    : FourMClientException(message, inner)
{
    /// <summary>The rejection reason as named by the cluster (e.g. <c>QueueFull</c>).</summary>
    public string Reason { get; } = reason;
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>No session with this id was ever started.</summary>
public sealed class SessionNotFoundException(string sessionId)
    : FourMClientException($"no session '{sessionId}' has been started")
{
    public string SessionId { get; } = sessionId;
}

/// <summary>The request is malformed; <see cref="Errors"/> maps each offending field to what is wrong with it.</summary>
public sealed class InvalidGenerationRequestException(IReadOnlyDictionary<string, string[]> errors)
    : FourMClientException("invalid generation request: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>The session has no such modality.</summary>
public sealed class ModalityNotFoundException(string sessionId, string modality, string message)
    : FourMClientException(message)
{
    public string SessionId { get; } = sessionId;
    public string Modality { get; } = modality;
}

/// <summary>The output cannot be rendered now or here: tokens still masked, or no image tokenizer configured for it.</summary>
public sealed class OutputNotAvailableException(string message, Exception? inner = null) : FourMClientException(message, inner);
