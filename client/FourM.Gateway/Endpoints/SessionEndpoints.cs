using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FourM.Client;
using FourM.Client.Contracts;
using FourM.Grains.Interfaces.Sessions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FourM.Gateway.Endpoints;

/// <summary>The <c>/v1/sessions</c> API: create, inspect, stream, cancel, and read outputs.</summary>
public static class SessionEndpoints
{
    public const string PngSuffix = ".png";

    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/v1/sessions");
        sessions.MapPost("/", CreateAsync);
        sessions.MapGet("/{id}", GetStatusAsync);
        sessions.MapGet("/{id}/events", Events);
        sessions.MapPost("/{id}/cancel", CancelAsync);
        sessions.MapGet("/{id}/result", GetResultAsync);
        sessions.MapGet("/{id}/outputs/{modality}", GetOutputAsync);
        app.MapGet("/v1/models", async (FourMClient client) => TypedResults.Ok(await client.ListModelsAsync()));
        return app;
    }

    public static async Task<IResult> CreateAsync(HttpContext context, FourMClient client, IOptions<GatewayOptions> options)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > options.Value.MaxRequestBodyBytes)
            return GatewayProblems.BadBody($"the body is {context.Request.ContentLength} bytes; the limit is {options.Value.MaxRequestBodyBytes}", StatusCodes.Status413PayloadTooLarge);
        if (!context.Request.HasJsonContentType())
            return GatewayProblems.BadBody("the body must be JSON (Content-Type: application/json)", StatusCodes.Status415UnsupportedMediaType);

        GenerationRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<GenerationRequest>(context.Request.Body, FourMJson.Options, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return GatewayProblems.BadBody($"invalid JSON: {ex.Message}");
        }
        catch (BadHttpRequestException ex)
        {
            return GatewayProblems.BadBody(ex.Message, ex.StatusCode);
        }
        if (request is null) return GatewayProblems.BadBody("the body must be a JSON object");

        try
        {
            var status = await client.CreateSessionAsync(request, clientId: ClientId(context, options.Value), cancellationToken: context.RequestAborted);
            return TypedResults.Created($"/v1/sessions/{Uri.EscapeDataString(status.SessionId)}", status);
        }
        catch (InvalidGenerationRequestException invalid)
        {
            return GatewayProblems.Invalid(invalid.Errors.ToDictionary());
        }
        catch (GenerationRejectedException rejected)
        {
            return GatewayProblems.Rejected(context, rejected);
        }
    }

    public static async Task<IResult> GetStatusAsync(string id, FourMClient client)
    {
        try { return TypedResults.Ok(await client.GetStatusAsync(id)); }
        catch (SessionNotFoundException) { return GatewayProblems.NotFound(id); }
    }

    public static async Task<IResult> CancelAsync(string id, FourMClient client)
    {
        try { return TypedResults.Ok(await client.CancelAsync(id)); }
        catch (SessionNotFoundException) { return GatewayProblems.NotFound(id); }
    }

    public static async Task<IResult> GetResultAsync(string id, FourMClient client)
    {
        try
        {
            var result = await client.GetResultAsync(id);
            return TypedResults.Ok(new SessionResultView(result.Status, result.Raw.Modalities.Select(m => SessionOutput.From(m, result)).ToList()));
        }
        catch (SessionNotFoundException) { return GatewayProblems.NotFound(id); }
    }

    public static async Task<IResult> GetOutputAsync(string id, string modality, int? steps, FourMClient client, HttpContext context, CancellationToken cancellationToken)
    {
        bool png = modality.EndsWith(PngSuffix, StringComparison.OrdinalIgnoreCase);
        if (png) modality = modality[..^PngSuffix.Length];
        if (png && !client.Renderers.CanRenderPng(modality)) return await SiloRenderedPngAsync(id, modality, steps, client, context, cancellationToken);
        GenerationResult result;
        try { result = await client.GetResultAsync(id); }
        catch (SessionNotFoundException) { return GatewayProblems.NotFound(id); }

        var output = result.Raw.Modalities.FirstOrDefault(m => m.Modality == modality);
        if (output is null)
            return TypedResults.Problem(title: "Modality not found", statusCode: StatusCodes.Status404NotFound,
                detail: $"session {id} has no modality '{modality}' (it has: {string.Join(", ", result.Modalities)})");
        if (!png) return TypedResults.Ok(SessionOutput.From(output, result));

        if (result.Status.Phase != SessionPhase.Completed)
            return TypedResults.Problem(title: "Session not completed", statusCode: StatusCodes.Status409Conflict,
                detail: $"session {id} is {result.Status.Phase}; images are rendered from completed sessions only");
        var local = await result.PngAsync(modality, cancellationToken);
        return TypedResults.File(local!, "image/png", FileName(id, modality));
    }

    /// <summary>No renderer in the gateway: the silos detokenize on the session's device (<c>?steps=</c>: DDPM steps) and send the PNG.</summary>
    private static async Task<IResult> SiloRenderedPngAsync(string id, string modality, int? steps, FourMClient client, HttpContext context, CancellationToken cancellationToken)
    {
        if (steps is < 1 or > 1000) return GatewayProblems.BadBody($"steps must be between 1 and 1000 (got {steps})");
        try
        {
            var bytes = await client.GetOutputPngAsync(id, modality, steps, cancellationToken);
            return TypedResults.File(bytes, "image/png", FileName(id, modality));
        }
        catch (SessionNotFoundException) { return GatewayProblems.NotFound(id); }
        catch (ModalityNotFoundException ex)
        {
            return TypedResults.Problem(title: "Modality not found", statusCode: StatusCodes.Status404NotFound, detail: ex.Message);
        }
        catch (OutputNotAvailableException ex)
        {
            return TypedResults.Problem(title: "Image not available", statusCode: StatusCodes.Status409Conflict,
                detail: $"{ex.Message}; GET the modality without {PngSuffix} for its token ids");
        }
        catch (GenerationRejectedException rejected)
        {
            return GatewayProblems.Rejected(context, rejected);
        }
    }

    private static string FileName(string id, string modality) => $"{id}-{modality.Replace('@', '_')}.png";

    /// <summary>Server-sent events: one <c>step</c> event per update (the first is the current status), ending with the session.</summary>
    public static async Task<IResult> Events(string id, FourMClient client, HttpContext context)
    {
        try { await client.GetStatusAsync(id); }
        catch (SessionNotFoundException) { return GatewayProblems.NotFound(id); }
        return TypedResults.ServerSentEvents(StepEvents(client, id, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<string>> StepEvents(FourMClient client, string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in client.WatchAsync(id, cancellationToken))
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(update, FourMJson.Options), "step");
            if (FourMClient.IsFinal(update.Phase)) yield break;
        }
    }

    private static string ClientId(HttpContext context, GatewayOptions options)
    {
        var header = context.Request.Headers[options.ClientIdHeader].ToString();
        if (!string.IsNullOrWhiteSpace(header) && header.Length <= 128) return header;
        return context.Connection.RemoteIpAddress?.ToString() ?? "anonymous";
    }
}
