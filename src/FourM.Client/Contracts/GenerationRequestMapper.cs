using System.Text.RegularExpressions;
using FourM.Grains.Interfaces.Sessions;

namespace FourM.Client.Contracts;

/// <summary>Validates a <see cref="GenerationRequest"/> field by field and maps it to the grains' <see cref="SessionRequest"/>.</summary>
public static partial class GenerationRequestMapper
{
    [GeneratedRegex("^[a-z][a-z0-9_]*(@[0-9]+)?$")]
    private static partial Regex ModalityName();

    public static SessionRequest ToSessionRequest(GenerationRequest request, string defaultModel, string clientId, GenerationRequestLimits? limits = null)
    {
        var errors = Validate(request, limits ?? new GenerationRequestLimits());
        if (errors.Count > 0) throw new InvalidGenerationRequestException(errors);
        return new SessionRequest
        {
            ModelId = string.IsNullOrWhiteSpace(request.Model) ? defaultModel : request.Model,
            Inputs = request.Inputs.Select(i => new ModalityInput
            {
                Modality = i.Modality,
                Text = i.Text,
                Tokens = i.Tokens?.ToArray(),
                Pixels = i.Pixels?.ToArray(),
                PixelShape = i.PixelShape?.ToArray(),
                Image = i.Image,
                InputMask = i.InputMask?.ToArray(),
            }).ToArray(),
            Targets = request.Targets.Select(t => new TargetSchedule
            {
                Modality = t.Modality,
                Scheme = ParseScheme(t.Scheme)!.Value,
                DecodingSteps = t.Steps,
                TokenSchedule = t.TokenSchedule,
                Temperature = t.Temperature,
                TemperatureSchedule = t.TemperatureSchedule,
                CfgScale = t.CfgScale,
                CfgSchedule = t.CfgSchedule,
                MaxTokens = t.MaxTokens,
            }).ToArray(),
            Seed = request.Seed,
            TopK = request.TopK,
            TopP = request.TopP,
            CfgGrowConditioning = request.CfgGrowConditioning,
            ClientId = clientId,
            Priority = ParseEnum<ServingPriority>(request.Priority)!.Value,
            Mode = ParseEnum<ServingMode>(request.Mode)!.Value,
            StreamTokenGrids = request.StreamTokenGrids,
            Timeout = request.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : null,
            Device = request.Device,
            DecoderDevice = request.DecoderDevice,
        };
    }

    /// <summary>Every problem with the request, keyed by a JSON-path-like field name; empty when it is valid.</summary>
    public static Dictionary<string, string[]> Validate(GenerationRequest request, GenerationRequestLimits limits)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }

        if (request.Model is { } model && (model.Length > 200 || model.Any(char.IsControl))) Fail("model", "must be at most 200 printable characters");
        if (request.Targets is null || request.Targets.Count == 0) Fail("targets", "at least one target is required");
        else if (request.Targets.Count > limits.MaxTargets) Fail("targets", $"at most {limits.MaxTargets} targets");
        if (request.Inputs is null) Fail("inputs", "must be a list (it may be empty)");
        else if (request.Inputs.Count > limits.MaxInputs) Fail("inputs", $"at most {limits.MaxInputs} inputs");
        if (ParseEnum<ServingPriority>(request.Priority) is null) Fail("priority", "must be interactive, standard or batch");
        if (ParseEnum<ServingMode>(request.Mode) is null) Fail("mode", "must be fused, colocated or disaggregated");
        if (request.TopK < 0) Fail("topK", "must be >= 0");
        if (request.TopP is < 0 or > 1) Fail("topP", "must be within [0, 1]");
        if (request.TimeoutSeconds is { } timeout && (timeout <= 0 || timeout > limits.MaxTimeoutSeconds || double.IsNaN(timeout)))
            Fail("timeoutSeconds", $"must be within (0, {limits.MaxTimeoutSeconds}]");
        foreach (var (device, name) in new[] { (request.Device, "device"), (request.DecoderDevice, "decoderDevice") })
            if (device is not null && (device.Split('/') is not { Length: 2 } parts || parts.Any(string.IsNullOrWhiteSpace)))
                Fail(name, "must be '{silo}/{device}', e.g. 'silo-0/cuda:0'");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < (request.Inputs?.Count ?? 0); i++)
        {
            var input = request.Inputs![i];
            var field = $"inputs[{i}]";
            if (input is null) { Fail(field, "must be an object"); continue; }
            if (!IsModality(input.Modality)) Fail($"{field}.modality", "must be a modality name such as 'caption' or 'tok_rgb@224'");
            else if (!seen.Add(input.Modality)) Fail($"{field}.modality", $"'{input.Modality}' is given twice");
            int kinds = (input.Text is null ? 0 : 1) + (input.Tokens is null ? 0 : 1) + (input.Pixels is null ? 0 : 1) + (input.Image is null ? 0 : 1);
            if (kinds != 1) Fail(field, "needs exactly one of text, tokens, pixels or image");
            if (input.Image is { } image)
            {
                if (image.Length == 0 || image.Length > limits.MaxImageBytes) Fail($"{field}.image", $"1 to {limits.MaxImageBytes} bytes (base64-encoded PNG, JPEG or WebP)");
                if (!input.Modality.StartsWith("tok_", StringComparison.Ordinal) && !input.Modality.StartsWith("rgb@", StringComparison.Ordinal))
                    Fail($"{field}.image", "images are accepted for image modalities only (tok_* or rgb@N)");
            }
            if (input.Text is { Length: var length } && length > limits.MaxTextLength) Fail($"{field}.text", $"at most {limits.MaxTextLength} characters");
            if (input.Tokens is { } tokens)
            {
                if (tokens.Count == 0 || tokens.Count > limits.MaxTokensPerInput) Fail($"{field}.tokens", $"1 to {limits.MaxTokensPerInput} token ids");
                if (tokens.Any(t => t < 0)) Fail($"{field}.tokens", "token ids are non-negative");
                if (input.InputMask is { } mask && mask.Count != tokens.Count) Fail($"{field}.inputMask", $"has {mask.Count} entries for {tokens.Count} tokens");
            }
            if (input.Pixels is { } pixels)
            {
                if (pixels.Count > limits.MaxPixelsPerInput) Fail($"{field}.pixels", $"at most {limits.MaxPixelsPerInput} values");
                if (input.PixelShape is not { Count: 3 } shape || shape.Any(d => d <= 0) || (long)shape[0] * shape[1] * shape[2] != pixels.Count)
                    Fail($"{field}.pixelShape", "must be [channels, height, width] matching the number of pixel values");
                if (pixels.Any(p => !float.IsFinite(p))) Fail($"{field}.pixels", "values must be finite");
            }
        }

        var targetsSeen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < (request.Targets?.Count ?? 0); i++)
        {
            var target = request.Targets![i];
            var field = $"targets[{i}]";
            if (target is null) { Fail(field, "must be an object"); continue; }
            if (!IsModality(target.Modality)) Fail($"{field}.modality", "must be a modality name such as 'tok_rgb@224'");
            else if (!targetsSeen.Add(target.Modality)) Fail($"{field}.modality", $"'{target.Modality}' is a target twice");
            else if (seen.Contains(target.Modality)) Fail($"{field}.modality", $"'{target.Modality}' is also an input");
            if (ParseScheme(target.Scheme) is null) Fail($"{field}.scheme", "must be roar, maskgit or autoregressive");
            if (target.Steps < 1 || target.Steps > limits.MaxSteps) Fail($"{field}.steps", $"must be within [1, {limits.MaxSteps}]");
            if (target.TokenSchedule is not ("linear" or "cosine")) Fail($"{field}.tokenSchedule", "must be linear or cosine");
            if (!(target.Temperature >= 0) || double.IsInfinity(target.Temperature)) Fail($"{field}.temperature", "must be a finite number >= 0");
            if (!IsTemperatureSchedule(target.TemperatureSchedule)) Fail($"{field}.temperatureSchedule", "must be constant, linear or onex:<min>:<power>");
            if (!(target.CfgScale >= 0) || double.IsInfinity(target.CfgScale)) Fail($"{field}.cfgScale", "must be a finite number >= 0");
            if (target.CfgSchedule is not ("constant" or "cosine" or "linear")) Fail($"{field}.cfgSchedule", "must be constant, linear or cosine");
            if (target.MaxTokens is < 1) Fail($"{field}.maxTokens", "must be >= 1");
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static bool IsModality(string? name) => name is { Length: > 0 and <= 64 } && ModalityName().IsMatch(name);

    private static bool IsTemperatureSchedule(string? schedule) =>
        schedule is "constant" or "linear"
        || (schedule?.Split(':') is ["onex", var min, var power] && double.TryParse(min, System.Globalization.CultureInfo.InvariantCulture, out _)
            && double.TryParse(power, System.Globalization.CultureInfo.InvariantCulture, out _));

    private static TargetScheme? ParseScheme(string? scheme) => scheme?.ToLowerInvariant() switch
    {
        "roar" => TargetScheme.Roar,
        "maskgit" => TargetScheme.MaskGit,
        "autoregressive" or "ar" => TargetScheme.Autoregressive,
        _ => null,
    };

    private static T? ParseEnum<T>(string? value) where T : struct, Enum =>
        value is not null && !int.TryParse(value, out _) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed) ? parsed : null;
}
