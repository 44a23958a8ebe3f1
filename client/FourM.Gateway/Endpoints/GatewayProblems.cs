using FourM.Client;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FourM.Gateway.Endpoints;

/// <summary>Maps serving outcomes to HTTP answers with problem-details bodies (RFC 9457).</summary>
public static class GatewayProblems
{
    public static IResult Rejected(HttpContext context, GenerationRejectedException rejected)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(rejected.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            title: "Generation rejected",
            detail: rejected.Message,
            statusCode: StatusCodes.Status429TooManyRequests,
            extensions: new Dictionary<string, object?> { ["reason"] = rejected.Reason, ["retryAfterSeconds"] = seconds });
    }

    public static ProblemHttpResult NotFound(string sessionId) =>
        TypedResults.Problem(title: "Session not found", detail: $"no session '{sessionId}' has been started", statusCode: StatusCodes.Status404NotFound);

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "Invalid generation request");

    public static ProblemHttpResult BadBody(string detail, int statusCode = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(title: statusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Malformed request body",
            detail: detail, statusCode: statusCode);
}
