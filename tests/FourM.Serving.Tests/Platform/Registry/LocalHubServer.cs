using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FourM.Serving.Tests.Platform.Registry;

/// <summary>
/// A loopback HTTP server laid out like the Hugging Face hub: <c>/{owner}/{name}/resolve/{revision}/{file}</c>.
/// LFS files answer with a 302 to <c>/cdn/...</c> carrying <c>X-Linked-Etag</c> (sha256); plain files answer directly
/// with an <c>ETag</c> (git blob id). It honours <c>Range: bytes=N-</c>, and can cut a transfer short or serve wrong bytes.
/// </summary>
public sealed class LocalHubServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<string, HostedFile> _files = new(StringComparer.Ordinal);

    public LocalHubServer()
    {
        // HttpListener needs a concrete port: take a free one from the OS.
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Endpoint = $"http://127.0.0.1:{Port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Endpoint { get; }
    public ConcurrentQueue<ServedRequest> Requests { get; } = new();

    /// <summary>Hosts a file. <paramref name="servedBytes"/> (default: the content) lets a test serve corrupt bytes under the right digest.</summary>
    public void Host(string repository, string revision, string file, byte[] content, bool lfs, string etag, byte[]? servedBytes = null) =>
        _files[$"/{repository}/resolve/{revision}/{file}"] = new HostedFile(servedBytes ?? content, lfs, etag);

    /// <summary>The next <paramref name="count"/> GETs of the file's bytes stop after <paramref name="bytes"/> bytes and drop the connection.</summary>
    public void InterruptNext(string repository, string revision, string file, int count, int bytes)
    {
        var key = $"/{repository}/resolve/{revision}/{file}";
        _files[key] = _files[key] with { InterruptionsLeft = count, InterruptAfter = bytes };
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { Serve(context); }
            catch (Exception) { try { context.Response.Abort(); } catch (Exception) { } }
        }
    }

    private void Serve(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var range = context.Request.Headers["Range"];
        Requests.Enqueue(new ServedRequest(context.Request.HttpMethod, path, range));
        var response = context.Response;

        bool isCdn = path.StartsWith("/cdn", StringComparison.Ordinal);
        var key = isCdn ? path["/cdn".Length..] : path;
        if (!_files.TryGetValue(key, out var file))
        {
            response.StatusCode = 404;
            response.Close();
            return;
        }
        if (file.Lfs && !isCdn)
        {
            response.StatusCode = 302;
            response.RedirectLocation = "/cdn" + key;
            response.AddHeader("X-Linked-Etag", $"\"{file.ETag}\"");
            response.AddHeader("X-Linked-Size", file.Bytes.Length.ToString());
            response.AddHeader("ETag", "\"0123456789abcdef0123456789abcdef01234567\"");
            response.Close();
            return;
        }
        if (!file.Lfs) response.AddHeader("ETag", $"\"{file.ETag}\"");

        long start = 0;
        if (range is { Length: > 0 } && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1]);
            if (start >= file.Bytes.Length)
            {
                response.StatusCode = 416;
                response.AddHeader("Content-Range", $"bytes */{file.Bytes.Length}");
                response.Close();
                return;
            }
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {start}-{file.Bytes.Length - 1}/{file.Bytes.Length}");
        }
        response.ContentLength64 = file.Bytes.Length - start;
        response.ContentType = "application/octet-stream";

        if (file.InterruptionsLeft > 0)
        {
            _files[key] = file with { InterruptionsLeft = file.InterruptionsLeft - 1 };
            var cut = (int)Math.Min(file.InterruptAfter, file.Bytes.Length - start - 1);
            response.OutputStream.Write(file.Bytes, (int)start, cut);
            response.OutputStream.Flush();
            response.Abort();
            return;
        }
        response.OutputStream.Write(file.Bytes, (int)start, (int)(file.Bytes.Length - start));
        response.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private sealed record HostedFile(byte[] Bytes, bool Lfs, string ETag, int InterruptionsLeft = 0, int InterruptAfter = 0);
}

public sealed record ServedRequest(string Method, string Path, string? Range);
