namespace FourM.Grains.Interfaces.Registry;

/// <summary>Model keys: <c>{id}@{version}</c> pins a version; a bare <c>{id}</c> means "the newest registered version".</summary>
public static class ModelKey
{
    public static string Format(string id, string version) => $"{id}@{version}";

    /// <summary>Splits a key at its last '@'; the version is null for a bare id.</summary>
    public static (string Id, string? Version) Parse(string key)
    {
        if (string.IsNullOrWhiteSpace(key)) throw new FormatException("a model key is '{id}' or '{id}@{version}'");
        var at = key.LastIndexOf('@');
        if (at < 0) return (key, null);
        if (at == 0 || at == key.Length - 1) throw new FormatException($"model key '{key}' must be '{{id}}' or '{{id}}@{{version}}'");
        return (key[..at], key[(at + 1)..]);
    }
}
