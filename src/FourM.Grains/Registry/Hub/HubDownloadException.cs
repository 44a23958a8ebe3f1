namespace FourM.Grains.Registry.Hub;

/// <summary>A hub file could not be fetched (HTTP error, missing file, too many redirects, or every attempt failed).</summary>
public class HubDownloadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A downloaded file's bytes do not hash to the expected digest; the partial file has been deleted.</summary>
public sealed class HubChecksumException(string file, HubFileDigest expected, string actualHex)
    : HubDownloadException($"checksum mismatch for {file}: expected {expected}, got {actualHex}; the download was discarded")
{
    public string File { get; } = file;
    public HubFileDigest Expected { get; } = expected;
    public string ActualHex { get; } = actualHex;
}
