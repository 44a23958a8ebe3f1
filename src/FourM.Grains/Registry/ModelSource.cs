namespace FourM.Grains.Registry;

/// <summary>
/// Where a model's files come from: a local directory (or a file inside it), or a hub repository at a revision,
/// written <c>hf://owner/name</c> or <c>hf://owner/name@revision</c>.
/// </summary>
public abstract record ModelSource
{
    public const string HubScheme = "hf://";

    public static ModelSource Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("a model source is a local path or hf://owner/name[@revision]");
        var value = text.Trim();
        if (!value.StartsWith(HubScheme, StringComparison.OrdinalIgnoreCase)) return new LocalModelSource(Path.GetFullPath(value));
        var rest = value[HubScheme.Length..];
        var at = rest.IndexOf('@');
        var repository = at < 0 ? rest : rest[..at];
        var revision = at < 0 ? "main" : rest[(at + 1)..];
        if (repository.Split('/') is not { Length: 2 } parts || parts.Any(string.IsNullOrWhiteSpace) || revision.Length == 0)
            throw new ArgumentException($"hub model source must be hf://owner/name[@revision], got '{text}'");
        return new HubModelSource(repository, revision);
    }
}

public sealed record LocalModelSource(string Path) : ModelSource
{
    public override string ToString() => Path;
}

public sealed record HubModelSource(string Repository, string Revision) : ModelSource
{
    public override string ToString() => $"{HubScheme}{Repository}@{Revision}";
}
