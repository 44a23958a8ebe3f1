namespace FourM.Engine.Engine;

/// <summary>
/// What a queued job asks the device to do; jobs of one kind and one model (or one image tokenizer) can share a batch.
/// </summary>
public enum WorkKind { Step = 0, Encode = 1, Decode = 2, Tokenize = 3, Detokenize = 4 }
