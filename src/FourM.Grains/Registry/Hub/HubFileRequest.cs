namespace FourM.Grains.Registry.Hub;

/// <summary>One file of a hub repository at a revision, optionally with the digest it must have.</summary>
public sealed record HubFileRequest(string Repository, string Revision, string FileName, HubFileDigest? ExpectedDigest = null)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Repository) || Repository.Split('/') is not { Length: 2 } parts || parts.Any(p => p.Length == 0 || p is "." or ".."))
            throw new ArgumentException($"hub repository must be 'owner/name', got '{Repository}'");
        if (string.IsNullOrWhiteSpace(Revision) || Revision.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"invalid hub revision '{Revision}'");
        if (string.IsNullOrWhiteSpace(FileName) || FileName.Split('/').Any(p => p.Length == 0 || p is "." or ".."))
            throw new ArgumentException($"invalid hub file name '{FileName}'");
    }
}
