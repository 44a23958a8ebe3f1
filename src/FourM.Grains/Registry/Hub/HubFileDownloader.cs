using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FourM.Grains.Registry.Hub;

/// <summary>
/// Downloads files laid out like the Hugging Face hub (<c>{endpoint}/{repo}/resolve/{revision}/{file}</c>) into a
/// cache: bytes go to <c>{file}.partial</c>, an interrupted transfer resumes with an HTTP Range request, and the
/// finished file is checked against a digest (given, or the hub's <c>X-Linked-Etag</c>/<c>ETag</c>) before it is
/// moved into place. A verified file is recorded with a <c>{file}.digest</c> sidecar so it is not hashed again.
/// </summary>
public sealed class HubFileDownloader
{
    private const int MaxRedirects = 8;
    private readonly HttpClient _http;
    private readonly ModelHubOptions _options;
    private readonly ILogger _logger;

    /// <param name="http">A client whose handler does <b>not</b> follow redirects (the hub's metadata is on the first response).</param>
    public HubFileDownloader(HttpClient http, ModelHubOptions options, ILogger<HubFileDownloader>? logger = null)
    {
        _http = http;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Creates a downloader with its own non-redirecting HTTP client.</summary>
    public static HubFileDownloader Create(ModelHubOptions options, ILogger<HubFileDownloader>? logger = null) =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan }, options, logger);

    public Uri FileUri(HubFileRequest request) =>
        new($"{_options.Endpoint.TrimEnd('/')}/{request.Repository}/resolve/{Uri.EscapeDataString(request.Revision)}/"
            + string.Join('/', request.FileName.Split('/').Select(Uri.EscapeDataString)));

    public string CachePath(HubFileRequest request) =>
        Path.Combine(_options.CacheDirectory, request.Repository.Replace("/", "--", StringComparison.Ordinal),
            request.Revision.Replace("/", "--", StringComparison.Ordinal), Path.Combine(request.FileName.Split('/')));

    /// <summary>Returns the local path of the verified file, downloading or resuming it when needed.</summary>
    public async Task<string> DownloadAsync(HubFileRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var target = CachePath(request);
        var sidecar = target + ".digest";
        if (File.Exists(target) && File.Exists(sidecar))
        {
            var recorded = (await File.ReadAllTextAsync(sidecar, cancellationToken)).Trim();
            if (request.ExpectedDigest is null || recorded == request.ExpectedDigest.ToString()) return target;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var uri = FileUri(request);
        Exception? last = null;
        for (int attempt = 1; attempt <= Math.Max(1, _options.MaxAttempts); attempt++)
        {
            try
            {
                var digest = await TransferAsync(uri, target + ".partial", request.ExpectedDigest, cancellationToken);
                await VerifyAsync(request, target + ".partial", digest, cancellationToken);
                File.Move(target + ".partial", target, overwrite: true);
                await File.WriteAllTextAsync(sidecar, digest?.ToString() ?? "unverified", cancellationToken);
                return target;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
                _logger.LogWarning(ex, "Download of {Uri} interrupted (attempt {Attempt}); will resume", uri, attempt);
            }
        }
        throw new HubDownloadException($"could not download {uri} after {_options.MaxAttempts} attempt(s): {last?.Message}", last);
    }

    private async Task VerifyAsync(HubFileRequest request, string partial, HubFileDigest? digest, CancellationToken cancellationToken)
    {
        if (digest is null)
        {
            _logger.LogWarning("No digest known for {File}; stored without a checksum", request.FileName);
            return;
        }
        var actual = await digest.ComputeAsync(partial, cancellationToken);
        if (actual == digest.Hex) return;
        File.Delete(partial);
        throw new HubChecksumException($"{request.Repository}/{request.FileName}@{request.Revision}", digest, actual);
    }

    /// <summary>Brings <paramref name="partial"/> to the full content; returns the digest to check it against.</summary>
    private async Task<HubFileDigest?> TransferAsync(Uri uri, string partial, HubFileDigest? expected, CancellationToken cancellationToken)
    {
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        HubFileDigest? digest = expected;
        string? validator = null;
        for (int hop = 0; ; hop++)
        {
            if (hop > MaxRedirects) throw new HubDownloadException($"too many redirects for {uri}");
            using var message = new HttpRequestMessage(HttpMethod.Get, uri);
            if (_options.Token is { Length: > 0 } token && hop == 0) message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (have > 0)
            {
                message.Headers.Range = new RangeHeaderValue(have, null);
                // If-Range makes the server send the whole file when it changed since the partial bytes were written.
                if (validator is not null) message.Headers.TryAddWithoutValidation("If-Range", validator);
            }
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (IsHub(uri))
            {
                // Only the hub's own answer names the content; a CDN's ETag after a redirect is its own business.
                digest ??= DigestFrom(response);
                validator ??= LinkedETag(response) ?? response.Headers.ETag?.Tag;
            }

            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The partial already holds every byte (or more than the file has): verification decides.
                if (have > 0 && response.Content.Headers.ContentRange?.Length is { } total && total == have) return digest;
                File.Delete(partial);
                have = 0;
                continue;
            }
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new HubDownloadException($"not found on the hub: {uri}");
            if (!response.IsSuccessStatusCode)
                throw new HubDownloadException($"hub answered {(int)response.StatusCode} {response.ReasonPhrase} for {uri}");

            bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
            if (resumed && response.Content.Headers.ContentRange?.From != have)
                throw new HubDownloadException($"hub resumed {uri} at {response.Content.Headers.ContentRange?.From}, expected {have}");
            if (have > 0 && !resumed) _logger.LogInformation("Hub ignored the range for {Uri}; downloading from the start", uri);

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using (var file = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
                await body.CopyToAsync(file, cancellationToken);
            long expectedLength = response.Content.Headers.ContentRange?.Length
                ?? response.Content.Headers.ContentLength
                ?? new FileInfo(partial).Length;
            long got = new FileInfo(partial).Length;
            if (got < expectedLength) throw new IOException($"connection closed after {got} of {expectedLength} bytes of {uri}");
            return digest;
        }
    }

    private bool IsHub(Uri uri) =>
        Uri.TryCreate(_options.Endpoint, UriKind.Absolute, out var hub) && Uri.Compare(hub, uri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static HubFileDigest? DigestFrom(HttpResponseMessage response) =>
        HubFileDigest.FromETag(LinkedETag(response)) ?? HubFileDigest.FromETag(response.Headers.ETag?.Tag);

    private static string? LinkedETag(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Linked-Etag", out var values) ? values.FirstOrDefault() : null;
}
