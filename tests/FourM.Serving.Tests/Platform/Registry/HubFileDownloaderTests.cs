using System.Security.Cryptography;
using System.Text;
using FourM.Grains.Registry;
using FourM.Grains.Registry.Hub;
using Xunit;

namespace FourM.Serving.Tests.Platform.Registry;

public sealed class HubFileDownloaderTests : IAsyncLifetime, IDisposable
{
    private const string Repo = "EPFL-VILAB/4M-7_tiny";
    private readonly LocalHubServer _hub = new();
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "fourm-hub-tests-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _hub.DisposeAsync();
    public void Dispose() { if (Directory.Exists(_cache)) Directory.Delete(_cache, recursive: true); }

    private HubFileDownloader Downloader(int maxAttempts = 3) =>
        HubFileDownloader.Create(new ModelHubOptions { Endpoint = _hub.Endpoint, CacheDirectory = _cache, MaxAttempts = maxAttempts });

    private static byte[] Weights(int length)
    {
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        return bytes;
    }

    private static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task GitBlobDigestMatchesGitHashObject()
    {
        // `printf 'hello\n' | git hash-object --stdin` prints ce013625030ba8dba906f756967f9e9ca394464a.
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, "hello\n");
        try
        {
            var hex = await HubFileDigest.GitBlobSha1("ce013625030ba8dba906f756967f9e9ca394464a").ComputeAsync(path, default);
            Assert.Equal("ce013625030ba8dba906f756967f9e9ca394464a", hex);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public async Task PlainFileIsVerifiedAgainstItsGitBlobETag()
    {
        var config = Encoding.UTF8.GetBytes("hello\n");
        _hub.Host(Repo, "main", "config.json", config, lfs: false, etag: "ce013625030ba8dba906f756967f9e9ca394464a");

        var path = await Downloader().DownloadAsync(new HubFileRequest(Repo, "main", "config.json"));

        Assert.Equal(config, await File.ReadAllBytesAsync(path));
        Assert.Equal("git-sha1:ce013625030ba8dba906f756967f9e9ca394464a", (await File.ReadAllTextAsync(path + ".digest")).Trim());
        Assert.StartsWith(_cache, path);
    }

    [Fact]
    public async Task LfsFileFollowsRedirectAndChecksSha256()
    {
        var weights = Weights(300_000);
        _hub.Host(Repo, "v1", "model.safetensors", weights, lfs: true, etag: Sha256Hex(weights));

        var path = await Downloader().DownloadAsync(new HubFileRequest(Repo, "v1", "model.safetensors"));

        Assert.Equal(weights, await File.ReadAllBytesAsync(path));
        Assert.Contains(_hub.Requests, r => r.Path == $"/cdn/{Repo}/resolve/v1/model.safetensors");
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public async Task InterruptedTransferResumesWithRangeRequest()
    {
        var weights = Weights(2_000_000);
        _hub.Host(Repo, "main", "model.safetensors", weights, lfs: true, etag: Sha256Hex(weights));
        _hub.InterruptNext(Repo, "main", "model.safetensors", count: 1, bytes: 700_000);

        var path = await Downloader().DownloadAsync(new HubFileRequest(Repo, "main", "model.safetensors"));

        Assert.Equal(weights, await File.ReadAllBytesAsync(path));
        var cdnGets = _hub.Requests.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, cdnGets.Count);
        Assert.Null(cdnGets[0].Range);
        // The second transfer must start where the first stopped, not at zero.
        Assert.NotNull(cdnGets[1].Range);
        var offset = long.Parse(cdnGets[1].Range!["bytes=".Length..^1]);
        Assert.InRange(offset, 1, 700_000);
    }

    [Fact]
    public async Task PartialFileLeftByFailedCallIsResumedByTheNextCall()
    {
        var weights = Weights(1_500_000);
        _hub.Host(Repo, "main", "model.safetensors", weights, lfs: true, etag: Sha256Hex(weights));
        _hub.InterruptNext(Repo, "main", "model.safetensors", count: 1, bytes: 600_000);
        var downloader = Downloader(maxAttempts: 1);
        var request = new HubFileRequest(Repo, "main", "model.safetensors");

        await Assert.ThrowsAsync<HubDownloadException>(() => downloader.DownloadAsync(request));
        var partial = downloader.CachePath(request) + ".partial";
        Assert.True(File.Exists(partial));
        long kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 1, 600_000);

        var path = await downloader.DownloadAsync(request);

        Assert.Equal(weights, await File.ReadAllBytesAsync(path));
        Assert.Equal($"bytes={kept}-", _hub.Requests.Last(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).Range);
    }

    [Fact]
    public async Task CorruptedFileFailsTheChecksumAndLeavesNothingBehind()
    {
        var weights = Weights(200_000);
        var corrupted = (byte[])weights.Clone();
        corrupted[123_456] ^= 0x40;
        _hub.Host(Repo, "main", "model.safetensors", weights, lfs: true, etag: Sha256Hex(weights), servedBytes: corrupted);
        var downloader = Downloader();
        var request = new HubFileRequest(Repo, "main", "model.safetensors");

        var error = await Assert.ThrowsAsync<HubChecksumException>(() => downloader.DownloadAsync(request));

        Assert.Equal(Sha256Hex(weights), error.Expected.Hex);
        Assert.Equal(Sha256Hex(corrupted), error.ActualHex);
        Assert.False(File.Exists(downloader.CachePath(request)));
        Assert.False(File.Exists(downloader.CachePath(request) + ".partial"));
    }

    [Fact]
    public async Task GivenDigestOverridesTheHubs()
    {
        var weights = Weights(50_000);
        _hub.Host(Repo, "main", "model.safetensors", weights, lfs: true, etag: Sha256Hex(weights));
        var wrong = HubFileDigest.Sha256(Sha256Hex(Weights(10)));

        await Assert.ThrowsAsync<HubChecksumException>(() =>
            Downloader().DownloadAsync(new HubFileRequest(Repo, "main", "model.safetensors", wrong)));
        var path = await Downloader().DownloadAsync(new HubFileRequest(Repo, "main", "model.safetensors", HubFileDigest.Sha256(Sha256Hex(weights))));
        Assert.Equal(weights, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task VerifiedFileIsServedFromTheCache()
    {
        var weights = Weights(10_000);
        _hub.Host(Repo, "main", "model.safetensors", weights, lfs: true, etag: Sha256Hex(weights));
        var request = new HubFileRequest(Repo, "main", "model.safetensors");
        await Downloader().DownloadAsync(request);
        int served = _hub.Requests.Count;

        var again = await Downloader().DownloadAsync(request);

        Assert.Equal(served, _hub.Requests.Count);
        Assert.Equal(weights, await File.ReadAllBytesAsync(again));
    }

    [Fact]
    public async Task MissingFileIsReportedWithItsAddress()
    {
        var error = await Assert.ThrowsAsync<HubDownloadException>(() =>
            Downloader().DownloadAsync(new HubFileRequest(Repo, "main", "absent.bin")));
        Assert.Contains("absent.bin", error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public async Task FetcherDownloadsConfigAndWeightsIntoOneDirectory()
    {
        var config = Encoding.UTF8.GetBytes("hello\n");
        var weights = Weights(40_000);
        _hub.Host(Repo, "main", "config.json", config, lfs: false, etag: "ce013625030ba8dba906f756967f9e9ca394464a");
        _hub.Host(Repo, "main", "model.safetensors", weights, lfs: true, etag: Sha256Hex(weights));

        var directory = await new HubModelFetcher(Downloader()).FetchAsync(ModelSource.Parse($"hf://{Repo}"));

        Assert.Equal(config, await File.ReadAllBytesAsync(Path.Combine(directory, "config.json")));
        Assert.Equal(weights, await File.ReadAllBytesAsync(Path.Combine(directory, "model.safetensors")));
    }

    [Theory]
    [InlineData("hf://a/b", "a/b", "main")]
    [InlineData("hf://EPFL-VILAB/4M-7_B_CC12M@v2", "EPFL-VILAB/4M-7_B_CC12M", "v2")]
    public void ParsesHubSources(string text, string repository, string revision) =>
        Assert.Equal(new HubModelSource(repository, revision), ModelSource.Parse(text));

    [Theory]
    [InlineData("hf://onlyowner")]
    [InlineData("hf://a/b/c")]
    [InlineData("hf://a/b@")]
    public void RejectsMalformedHubSources(string text) => Assert.Throws<ArgumentException>(() => ModelSource.Parse(text));
}
