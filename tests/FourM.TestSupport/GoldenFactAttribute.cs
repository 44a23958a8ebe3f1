using Xunit;

namespace FourM.TestSupport;

/// <summary>A fact that needs the golden set: skipped when it is absent, except under CI=true, where absence fails.</summary>
public sealed class GoldenFactAttribute : FactAttribute
{
    public GoldenFactAttribute()
    {
        if (!Goldens.MustRun) Skip = Goldens.SkipReason;
    }
}

/// <summary>A theory that needs the golden set (same skip rule as <see cref="GoldenFactAttribute"/>).</summary>
public sealed class GoldenTheoryAttribute : TheoryAttribute
{
    public GoldenTheoryAttribute()
    {
        if (!Goldens.MustRun) Skip = Goldens.SkipReason;
    }
}
