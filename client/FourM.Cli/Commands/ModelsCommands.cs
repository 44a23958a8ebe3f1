using FourM.Grains.Registry;
using FourM.Grains.Registry.Hub;

namespace FourM.Cli.Commands;

/// <summary><c>fourm models</c>: the model versions loaded in the cluster, per silo and device.</summary>
public sealed class ModelsListCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["models"];
    public string Usage => $"models {ServingConnections.Usage}";
    public string Summary => "list the model versions loaded on the cluster's silos and devices";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        if (cl.Positional.Count > 0) throw new UsageException($"unknown models sub-command '{cl.Positional[0]}' (try: fourm models fetch)");
        await using var connection = await ServingConnections.OpenAsync(cl, cancellationToken);
        var deployments = await connection.ModelsAsync(cancellationToken);
        if (deployments.Length == 0) Console.WriteLine("no model is registered (are the silos started and warm?)");
        foreach (var group in deployments.GroupBy(d => d.Model.Key))
        {
            var model = group.First().Model;
            Console.WriteLine($"{model.Key}  dtype={model.DType}  source={model.Source}");
            Console.WriteLine($"    modalities: {string.Join(", ", model.Modalities)}");
            foreach (var d in group) Console.WriteLine($"    on {d.Silo}/{d.Device} (registered {d.RegisteredAt:u}){(d.Numerics.Length > 0 ? $"  {d.Numerics}" : "")}");
        }
        return 0;
    }
}

/// <summary><c>fourm models fetch</c>: download a checkpoint into the model cache (resumable, checksummed), e.g. to pre-seed an image.</summary>
public sealed class ModelsFetchCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["models", "fetch"];
    public string Usage => "models fetch hf://owner/name[@revision] [--cache DIR] [--endpoint URL] [--sha256 HEX] [--token T]";
    public string Summary => "download config.json + model.safetensors into the model cache (resume, sha256 check)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        if (cl.Positional.Count != 1) throw new UsageException("expected one model source (hf://owner/name[@revision])");
        ModelSource source;
        try { source = ModelSource.Parse(cl.Positional[0]); }
        catch (ArgumentException ex) { throw new UsageException(ex.Message); }
        if (source is not HubModelSource) throw new UsageException("fetch takes a hub source (hf://owner/name[@revision]); local paths need no fetching");
        var options = new ModelHubOptions
        {
            Endpoint = cl.Get("endpoint", Environment.GetEnvironmentVariable("FOURM_HUB_ENDPOINT") ?? "https://huggingface.co"),
            Token = cl.Get("token") ?? Environment.GetEnvironmentVariable("HF_TOKEN"),
        };
        if (cl.Get("cache") is { } cache) options.CacheDirectory = cache;
        var expected = cl.Get("sha256") is { } hex ? new Dictionary<string, string> { ["model.safetensors"] = hex } : null;
        var directory = await new HubModelFetcher(HubFileDownloader.Create(options)).FetchAsync(source, expected, cancellationToken);
        Console.WriteLine(directory);
        return 0;
    }
}
