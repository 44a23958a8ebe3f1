using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace FourM.Serving.Tests.Platform.Gateway;

public sealed class GatewayEndpointTests(GatewayHarness harness) : IClassFixture<GatewayHarness>
{
    private HttpClient Http => harness.Http;

    private static object Request(string model = "tiny", int steps = 3, long seed = 40, string target = "tok_rgb@224") => new
    {
        model,
        inputs = new[] { new { modality = "caption", text = "a red bus" } },
        targets = new[] { new { modality = target, scheme = "roar", steps } },
        seed,
    };

    private async Task<string> CreateAsync(object body)
    {
        var response = await Http.PostAsJsonAsync("/v1/sessions", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = json.GetProperty("sessionId").GetString()!;
        Assert.Equal($"/v1/sessions/{id}", response.Headers.Location!.OriginalString);
        return id;
    }

    private static async Task<List<JsonElement>> ReadEventsAsync(HttpResponseMessage response)
    {
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = new List<JsonElement>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? eventType = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventType = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Equal("step", eventType);
                events.Add(JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
            }
        }
        return events;
    }

    private async Task<JsonElement> WaitForPhaseAsync(string id, string phase)
    {
        using var response = await Http.GetAsync($"/v1/sessions/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);
        Assert.Equal(phase, events[^1].GetProperty("phase").GetString());
        return events[^1];
    }

    [Fact]
    public async Task CreatedSessionCanBeReadBack()
    {
        var id = await CreateAsync(Request(steps: 2));

        var status = await Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}");

        Assert.Equal(id, status.GetProperty("sessionId").GetString());
        Assert.Equal(2, status.GetProperty("totalSteps").GetInt32());
    }

    [Fact]
    public async Task EventsStreamEveryStepUntilCompletion()
    {
        var id = await CreateAsync(Request(steps: 6));

        using var response = await Http.GetAsync($"/v1/sessions/{id}/events", HttpCompletionOption.ResponseHeadersRead);
        var events = await ReadEventsAsync(response);

        var completed = events.Select(e => e.GetProperty("completedSteps").GetInt32()).ToList();
        // The first event is the status at subscription time; after it, one event per step, in order, ending at 6.
        Assert.Equal(Enumerable.Range(completed[0] + 1, 6 - completed[0]), completed.Skip(1));
        Assert.Equal("completed", events[^1].GetProperty("phase").GetString());
        Assert.All(events, e => Assert.Equal(6, e.GetProperty("totalSteps").GetInt32()));
    }

    [Fact]
    public async Task OutputsCarryTheSessionsTokens()
    {
        var id = await CreateAsync(Request(seed: 40));
        await WaitForPhaseAsync(id, "completed");

        var output = await Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/outputs/tok_rgb@224");

        Assert.Equal(new long[] { 40, 41, 42, 43 }, output.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt64()));
        Assert.True(output.GetProperty("pngAvailable").GetBoolean());
        var result = await Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{id}/result");
        Assert.Equal("completed", result.GetProperty("status").GetProperty("phase").GetString());
        Assert.Single(result.GetProperty("outputs").EnumerateArray());
    }

    [Fact]
    public async Task PngIsRenderedForImageModalities()
    {
        var id = await CreateAsync(Request(seed: 7));
        await WaitForPhaseAsync(id, "completed");

        using var response = await Http.GetAsync($"/v1/sessions/{id}/outputs/tok_rgb@224.png");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(GatewayHarness.TestPngRenderer.Signature.Concat(new byte[] { 7, 8, 9, 10 }), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task PngOfAModalityWithoutGatewayRendererIsRenderedByTheSilos()
    {
        var id = await CreateAsync(Request(target: "tok_depth@224", seed: 40));
        await WaitForPhaseAsync(id, "completed");

        using var response = await Http.GetAsync($"/v1/sessions/{id}/outputs/tok_depth@224.png");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        // The scripted session renders a 1×1 grey PNG of its seed.
        using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.L8>(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(40, image[0, 0].PackedValue);
    }

    [Fact]
    public async Task PngOfAnUnfinishedModalityIs409WithTheReason()
    {
        var id = await CreateAsync(Request(model: ScriptedSessionGrain.SlowModel, target: "tok_depth@224"));

        using var response = await Http.GetAsync($"/v1/sessions/{id}/outputs/tok_depth@224.png");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("not finished", problem.GetProperty("detail").GetString());
        await Http.PostAsync($"/v1/sessions/{id}/cancel", null);
    }

    [Fact]
    public async Task RejectionIs429WithRetryAfter()
    {
        using var response = await Http.PostAsJsonAsync("/v1/sessions", Request(model: ScriptedSessionGrain.RejectModel));

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        // 3.2 s rounds up so a client that waits exactly Retry-After is not early.
        Assert.Equal(TimeSpan.FromSeconds(4), response.Headers.RetryAfter!.Delta);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("QueueFull", problem.GetProperty("reason").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task InvalidRequestIs400WithFieldErrors()
    {
        var body = new { inputs = new[] { new { modality = "Caption!", text = "x" } }, targets = Array.Empty<object>() };

        using var response = await Http.PostAsJsonAsync("/v1/sessions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("targets", out _));
        Assert.True(errors.TryGetProperty("inputs[0].modality", out _));
    }

    [Fact]
    public async Task MalformedJsonIs400Problem()
    {
        using var content = new StringContent("{\"targets\": [", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/v1/sessions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task OversizedBodyIs413()
    {
        var body = new { targets = new[] { new { modality = "tok_rgb@224" } }, inputs = new[] { new { modality = "caption", text = new string('a', 70_000) } } };

        using var response = await Http.PostAsJsonAsync("/v1/sessions", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task NonJsonBodyIs415()
    {
        using var content = new StringContent("targets=1", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await Http.PostAsync("/v1/sessions", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task UnknownSessionIs404()
    {
        using var status = await Http.GetAsync("/v1/sessions/never-started");
        using var events = await Http.GetAsync("/v1/sessions/never-started/events");
        using var cancel = await Http.PostAsync("/v1/sessions/never-started/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
    }

    [Fact]
    public async Task CancelStopsARunningSession()
    {
        var id = await CreateAsync(Request(steps: 1000));

        using var response = await Http.PostAsync($"/v1/sessions/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phase").GetString());
        var last = await WaitForPhaseAsync(id, "cancelled");
        Assert.True(last.GetProperty("completedSteps").GetInt32() < 1000);
    }

    [Fact]
    public async Task HealthEndpointsAnswer()
    {
        using var live = await Http.GetAsync("/healthz");
        using var ready = await Http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ClientIdHeaderIsAccepted()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions") { Content = JsonContent.Create(Request()) };
        message.Headers.Add("X-Client-Id", "tenant-a");
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await Http.SendAsync(message);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
