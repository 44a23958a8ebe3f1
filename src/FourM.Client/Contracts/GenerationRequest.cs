namespace FourM.Client.Contracts;

/// <summary>
/// A generation as callers describe it (the HTTP gateway's JSON body, the CLI's flags): a model, conditioning inputs
/// and a chain of targets. <see cref="GenerationRequestMapper"/> validates it and turns it into a session request.
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>Model id as the serving silos know it; null: the cluster's default model.</summary>
    public string? Model { get; init; }
    public IReadOnlyList<GenerationInput> Inputs { get; init; } = [];
    public IReadOnlyList<GenerationTarget> Targets { get; init; } = [];
    public long? Seed { get; init; }
    public double TopK { get; init; }
    public double TopP { get; init; }
    public bool CfgGrowConditioning { get; init; }
    /// <summary><c>interactive</c>, <c>standard</c> or <c>batch</c>.</summary>
    public string Priority { get; init; } = "standard";
    /// <summary><c>fused</c>, <c>colocated</c> or <c>disaggregated</c>.</summary>
    public string Mode { get; init; } = "fused";
    public bool StreamTokenGrids { get; init; }
    public double? TimeoutSeconds { get; init; }
    /// <summary>Pins the session to a device, <c>{silo}/{device}</c>.</summary>
    public string? Device { get; init; }
    public string? DecoderDevice { get; init; }
}

/// <summary>
/// One conditioning modality: text (tokenized by the silo), token ids, pixels (C×H×W), or an encoded image (PNG, JPEG
/// or WebP; base64 in JSON) that the silo tokenizes (<c>tok_*</c>) or turns into pixels (<c>rgb@224</c>).
/// </summary>
public sealed record GenerationInput
{
    public string Modality { get; init; } = "";
    public string? Text { get; init; }
    public IReadOnlyList<long>? Tokens { get; init; }
    public IReadOnlyList<float>? Pixels { get; init; }
    public IReadOnlyList<int>? PixelShape { get; init; }
    public byte[]? Image { get; init; }
    /// <summary>false = visible (the reference convention); null = all visible.</summary>
    public IReadOnlyList<bool>? InputMask { get; init; }
}

/// <summary>One target of the chain and how it is decoded.</summary>
public sealed record GenerationTarget
{
    public string Modality { get; init; } = "";
    /// <summary><c>roar</c>, <c>maskgit</c> or <c>autoregressive</c>.</summary>
    public string Scheme { get; init; } = "roar";
    public int Steps { get; init; } = 1;
    public string TokenSchedule { get; init; } = "linear";
    public double Temperature { get; init; } = 1.0;
    public string TemperatureSchedule { get; init; } = "constant";
    public double CfgScale { get; init; } = 1.0;
    public string CfgSchedule { get; init; } = "constant";
    public int? MaxTokens { get; init; }
}
