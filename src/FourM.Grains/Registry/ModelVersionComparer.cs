namespace FourM.Grains.Registry;

/// <summary>Orders versions numerically where both parse as dotted numbers (<c>2 &lt; 10</c>, <c>1.9 &lt; 1.10</c>), else ordinally.</summary>
public sealed class ModelVersionComparer : IComparer<string>
{
    public static ModelVersionComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null) return string.CompareOrdinal(x, y);
        var a = x.TrimStart('v', 'V').Split('.');
        var b = y.TrimStart('v', 'V').Split('.');
        if (a.All(p => long.TryParse(p, out _)) && b.All(p => long.TryParse(p, out _)))
        {
            for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
            {
                long pa = i < a.Length ? long.Parse(a[i]) : 0, pb = i < b.Length ? long.Parse(b[i]) : 0;
                if (pa != pb) return pa.CompareTo(pb);
            }
            return 0;
        }
        return string.CompareOrdinal(x, y);
    }
}
