using System.Security.Cryptography;
using System.Text;

namespace FourM.Grains.Registry.Hub;

/// <summary>
/// The content hash a file must have. The hub names LFS files by sha256 (<c>X-Linked-Etag</c>) and plain git files
/// by their git blob id (<c>ETag</c>: sha1 of <c>"blob {size}\0" + bytes</c>), so both kinds are checked.
/// </summary>
public sealed record HubFileDigest(HubDigestKind Kind, string Hex)
{
    public static HubFileDigest Sha256(string hex) => new(HubDigestKind.Sha256, Normalize(hex, 64, "sha256"));

    public static HubFileDigest GitBlobSha1(string hex) => new(HubDigestKind.GitBlobSha1, Normalize(hex, 40, "git blob sha1"));

    /// <summary>Reads a digest from an ETag value (quotes and a weak <c>W/</c> prefix allowed); null when it is neither kind.</summary>
    public static HubFileDigest? FromETag(string? etag)
    {
        if (string.IsNullOrWhiteSpace(etag)) return null;
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        value = value.Trim('"').ToLowerInvariant();
        if (!value.All(Uri.IsHexDigit)) return null;
        return value.Length switch
        {
            64 => new HubFileDigest(HubDigestKind.Sha256, value),
            40 => new HubFileDigest(HubDigestKind.GitBlobSha1, value),
            _ => null,
        };
    }

    /// <summary>Hashes a file with this digest's algorithm and returns the lowercase hex.</summary>
    public async Task<string> ComputeAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        if (Kind == HubDigestKind.Sha256)
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes($"blob {stream.Length}\0"));
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0) sha1.AppendData(buffer, 0, read);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    public override string ToString() => $"{(Kind == HubDigestKind.Sha256 ? "sha256" : "git-sha1")}:{Hex}";

    private static string Normalize(string hex, int length, string what)
    {
        var value = hex.Trim().ToLowerInvariant();
        if (value.Length != length || !value.All(Uri.IsHexDigit))
            throw new ArgumentException($"a {what} digest is {length} hex digits, got '{hex}'", nameof(hex));
        return value;
    }
}

public enum HubDigestKind { Sha256, GitBlobSha1 }
