namespace FourM.Silo.Hosting;

/// <summary>
/// Friendly switches (<c>--model</c>, <c>--device</c>, <c>--smoke</c>…) rewritten as configuration keys, so the
/// command line overrides appsettings.json and the environment like any other <c>--Section:Key=value</c>.
/// </summary>
public static class SiloCommandLine
{
    public const string Usage = """
        FourM.Silo [switches] [--Section:Key=value ...]
          --model <path|hf://owner/name[@rev]|random:<preset>>   model to serve (default random:tiny)
          --model-id <id> --model-version <v> --dtype <float32|bfloat16|float16>
          --device <cpu:0|cuda:0[,cuda:1]>   devices this silo owns (repeatable)
          --name <silo-name> --silo-port <p> --gateway-port <p> --primary <host:port>
          --advertised-ip <ip> --cluster-id <id> --service-id <id> --http <url>
          --console-metrics   print metrics to the console
          --smoke | --exit-after-ready   start, wait for startup+readiness, stop, exit 0 (1 on failure)
        """;

    private static readonly Dictionary<string, string> Simple = new(StringComparer.Ordinal)
    {
        ["--model-id"] = "FourM:Models:0:Id",
        ["--model-version"] = "FourM:Models:0:Version",
        ["--dtype"] = "FourM:Models:0:DType",
        ["--name"] = "FourM:Silo:Name",
        ["--silo-port"] = "FourM:Silo:SiloPort",
        ["--gateway-port"] = "FourM:Silo:GatewayPort",
        ["--primary"] = "FourM:Silo:PrimarySiloEndpoint",
        ["--advertised-ip"] = "FourM:Silo:AdvertisedIP",
        ["--cluster-id"] = "FourM:Silo:ClusterId",
        ["--service-id"] = "FourM:Silo:ServiceId",
        ["--http"] = "Urls",
    };

    public static string[] Translate(IReadOnlyList<string> args)
    {
        var output = new List<string>();
        var devices = new List<string>();
        string? model = null;
        bool modelIdGiven = args.Contains("--model-id");
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new ArgumentException($"{arg} needs a value\n{Usage}");
            switch (arg)
            {
                case "--smoke" or "--exit-after-ready": output.Add("--FourM:Silo:ExitAfterReady=true"); break;
                case "--console-metrics": output.Add("--FourM:Telemetry:Console=true"); break;
                case "--model": model = Value(); break;
                case "--device": devices.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                default:
                    if (Simple.TryGetValue(arg, out var key)) output.Add($"--{key}={Value()}");
                    else output.Add(arg);
                    break;
            }
        }
        if (model is not null)
        {
            output.Add($"--FourM:Models:0:Source={model}");
            if (!modelIdGiven) output.Add($"--FourM:Models:0:Id={DefaultModelId(model)}");
        }
        for (int d = 0; d < devices.Count; d++) output.Add($"--FourM:Serving:Devices:{d}={devices[d]}");
        return output.ToArray();
    }

    /// <summary><c>random:tiny</c> → <c>tiny</c>; <c>hf://EPFL-VILAB/4M-7_B_CC12M</c> → <c>4M-7_B_CC12M</c>; a path → its directory name.</summary>
    public static string DefaultModelId(string source)
    {
        if (source.StartsWith("random:", StringComparison.OrdinalIgnoreCase)) return source["random:".Length..];
        if (source.StartsWith("hf://", StringComparison.OrdinalIgnoreCase))
        {
            var repo = source["hf://".Length..].Split('@')[0];
            return repo[(repo.IndexOf('/') + 1)..];
        }
        var full = Path.GetFullPath(source).TrimEnd(Path.DirectorySeparatorChar);
        return File.Exists(full) ? Path.GetFileName(Path.GetDirectoryName(full)!) : Path.GetFileName(full);
    }
}
