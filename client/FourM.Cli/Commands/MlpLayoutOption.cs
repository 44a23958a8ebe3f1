using FourM.Model.Modules;

namespace FourM.Cli.Commands;

/// <summary><c>--mlp reference|aligned</c>: the benchmarks' feed-forward layout; absent = the model's default for its device.</summary>
internal static class MlpLayoutOption
{
    public const string Usage = "[--mlp reference|aligned]";

    public static MlpLayout? Parse(CommandLine cl) => cl.Get("mlp") switch
    {
        null => null,
        "reference" => MlpLayout.Reference,
        "aligned" => MlpLayout.Aligned,
        var other => throw new UsageException($"--mlp must be reference or aligned, not '{other}'"),
    };
}
