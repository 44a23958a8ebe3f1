using System.Globalization;
using System.Text.Json;
using FourM.Client;
using FourM.Client.Contracts;
using FourM.Generation.Modalities;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Cli.Commands;

/// <summary><c>fourm generate</c>: submit a generation, follow its steps, save its outputs.</summary>
public sealed class GenerateCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["generate"];
    public string Usage => $"generate {ServingConnections.Usage} [--model id] [--caption TEXT] [--tokens modality=ids.json] [--image modality=photo.png] " +
                           "--target tok_rgb@224[,...] [--steps 8] [--scheme roar|maskgit|autoregressive] [--temperature 1] [--cfg 1] " +
                           "[--seed n] [--priority interactive|standard|batch] [--request request.json] [--out DIR] [--no-wait] [--retry-for SECONDS]";
    public string Summary => "submit a generation to the serving platform, print its steps, save its outputs (tokens, text, PNG)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "no-wait" });
        var request = BuildRequest(cl);
        var retryFor = TimeSpan.FromSeconds(cl.GetInt("retry-for", 0));
        if (retryFor < TimeSpan.Zero) throw new UsageException("--retry-for must be 0 or more seconds");
        await using var connection = await ServingConnections.OpenAsync(cl, cancellationToken);
        SessionStatus status;
        try
        {
            status = await RejectedStartRetry.RunAsync(() => connection.CreateAsync(request, cancellationToken), retryFor,
                (rejected, wait) => Console.Error.WriteLine($"rejected ({rejected.Reason}); retrying in {wait.TotalSeconds:0.#} s"), cancellationToken);
        }
        catch (GenerationRejectedException rejected)
        {
            Console.Error.WriteLine($"rejected ({rejected.Reason}): {rejected.Message}; retry after {rejected.RetryAfter.TotalSeconds:0.#} s");
            return 75;   // EX_TEMPFAIL
        }
        catch (InvalidGenerationRequestException invalid)
        {
            Console.Error.WriteLine($"error: {invalid.Message}");
            return 2;
        }
        Console.WriteLine($"session {status.SessionId} ({status.TotalSteps} steps)");
        if (cl.Has("no-wait")) return 0;

        try
        {
            var final = await SessionWatch.FollowAsync(connection, status.SessionId, cancellationToken);
            var directory = cl.Get("out", System.IO.Path.Combine("fourm-out", status.SessionId));
            await SessionOutputWriter.SaveAsync(connection, status.SessionId, directory, cancellationToken);
            return final == SessionPhase.Completed ? 0 : 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: do not leave the session running on the cluster.
            await connection.CancelAsync(status.SessionId, CancellationToken.None);
            Console.Error.WriteLine($"session {status.SessionId} cancelled");
            throw;
        }
    }

    public static GenerationRequest BuildRequest(CommandLine cl)
    {
        GenerationRequest request = new();
        if (cl.Get("request") is { } file)
        {
            if (!File.Exists(file)) throw new UsageException($"request file not found: {file}");
            request = JsonSerializer.Deserialize<GenerationRequest>(File.ReadAllText(file), FourMJson.Options)
                      ?? throw new UsageException($"{file} holds no request");
        }

        var inputs = request.Inputs.ToList();
        if (cl.Get("caption") is { } caption) inputs.Add(new GenerationInput { Modality = "caption", Text = caption });
        if (cl.Get("tokens") is { } tokens)
        {
            var eq = tokens.IndexOf('=');
            if (eq <= 0) throw new UsageException("--tokens expects modality=file.json (a JSON array of token ids)");
            var path = tokens[(eq + 1)..];
            if (!File.Exists(path)) throw new UsageException($"token file not found: {path}");
            inputs.Add(new GenerationInput { Modality = tokens[..eq], Tokens = JsonSerializer.Deserialize<long[]>(File.ReadAllText(path)) });
        }

        if (cl.Get("image") is { } image)
        {
            // The silo tokenizes it (tok_*) or turns it into pixels (rgb@224) on the session's device.
            var eq = image.IndexOf('=');
            if (eq <= 0) throw new UsageException("--image expects modality=file (a PNG, JPEG or WebP image)");
            var path = image[(eq + 1)..];
            if (!File.Exists(path)) throw new UsageException($"image file not found: {path}");
            inputs.Add(new GenerationInput { Modality = image[..eq], Image = File.ReadAllBytes(path) });
        }

        var targets = request.Targets.ToList();
        if (cl.Get("target") is { } targetList)
        {
            foreach (var modality in targetList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                targets.Add(new GenerationTarget
                {
                    Modality = modality,
                    Scheme = cl.Get("scheme") ?? DefaultScheme(modality),
                    Steps = cl.GetInt("steps", 8),
                    TokenSchedule = cl.Get("token-schedule", "linear"),
                    Temperature = Double(cl, "temperature", 1.0),
                    TemperatureSchedule = cl.Get("temperature-schedule", "constant"),
                    CfgScale = Double(cl, "cfg", 1.0),
                });
        }
        if (targets.Count == 0) throw new UsageException("name at least one --target (or give --request)");

        return request with
        {
            Model = cl.Get("model") ?? request.Model,
            Inputs = inputs,
            Targets = targets,
            Seed = cl.Get("seed") is { } seed ? long.TryParse(seed, out var s) ? s : throw new UsageException($"--seed expects an integer, got '{seed}'") : request.Seed,
            Priority = cl.Get("priority", request.Priority),
            Mode = cl.Get("mode", request.Mode),
        };
    }

    /// <summary>Image-token targets decode with ROAR, sequences (captions, detections) autoregressively.</summary>
    public static string DefaultScheme(string modality) =>
        ModalityCatalog.Default.All.FirstOrDefault(m => m.Name == modality)?.Kind == ModalityKind.Sequence ? "autoregressive" : "roar";

    private static double Double(CommandLine cl, string name, double fallback) =>
        cl.Get(name) is { } text
            ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw new UsageException($"--{name} expects a number, got '{text}'")
            : fallback;
}
