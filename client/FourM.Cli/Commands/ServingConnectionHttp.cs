using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FourM.Client;
using FourM.Client.Contracts;
using FourM.Grains.Interfaces.Registry;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Cli.Commands;

/// <summary>The serving API over the HTTP gateway; problem responses become <see cref="FourMClientException"/>s.</summary>
public sealed class HttpServingConnection(Uri gateway) : IServingConnection
{
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = Timeout.InfiniteTimeSpan };

    public async Task<SessionStatus> CreateAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("/v1/sessions", request, FourMJson.Options, cancellationToken);
        return await ReadAsync<SessionStatus>(response, cancellationToken);
    }

    public async Task<SessionStatus> StatusAsync(string sessionId, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"/v1/sessions/{Uri.EscapeDataString(sessionId)}", cancellationToken);
        return await ReadAsync<SessionStatus>(response, cancellationToken);
    }

    public async IAsyncEnumerable<StepUpdate> WatchAsync(string sessionId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"/v1/sessions/{Uri.EscapeDataString(sessionId)}/events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) await ThrowProblemAsync(response, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                yield return JsonSerializer.Deserialize<StepUpdate>(line["data: ".Length..], FourMJson.Options)!;
    }

    public async Task<SessionStatus> CancelAsync(string sessionId, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsync($"/v1/sessions/{Uri.EscapeDataString(sessionId)}/cancel", null, cancellationToken);
        return await ReadAsync<SessionStatus>(response, cancellationToken);
    }

    public async Task<SessionResultView> ResultAsync(string sessionId, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"/v1/sessions/{Uri.EscapeDataString(sessionId)}/result", cancellationToken);
        return await ReadAsync<SessionResultView>(response, cancellationToken);
    }

    public async Task<byte[]?> PngAsync(string sessionId, string modality, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync($"/v1/sessions/{Uri.EscapeDataString(sessionId)}/outputs/{Uri.EscapeDataString(modality)}.png", cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.Conflict) return null;
        if (!response.IsSuccessStatusCode) await ThrowProblemAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task<ModelDeployment[]> ModelsAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("/v1/models", cancellationToken);
        return await ReadAsync<ModelDeployment[]>(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode) await ThrowProblemAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(FourMJson.Options, cancellationToken))!;
    }

    private static async Task ThrowProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string detail = body;
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            detail = root.TryGetProperty("detail", out var d) ? d.GetString() ?? body : root.TryGetProperty("title", out var t) ? t.GetString() ?? body : body;
            if (root.TryGetProperty("errors", out var errors))
                throw new InvalidGenerationRequestException(errors.EnumerateObject().ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray()));
        }
        catch (JsonException) { }
        if ((int)response.StatusCode == 429)
            throw new GenerationRejectedException(Reason(body), response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), detail);
        throw new FourMClientException($"gateway answered {(int)response.StatusCode} {response.ReasonPhrase}: {detail}");
    }

    private static string Reason(string body)
    {
        try { return JsonDocument.Parse(body).RootElement.GetProperty("reason").GetString() ?? "unknown"; }
        catch (Exception) { return "unknown"; }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
