using System.Globalization;

namespace FourM.ImageTokenizers.Configuration;

/// <summary>
/// The constructor arguments the reference stores in a tokenizer checkpoint's header metadata (each a Python literal).
/// Sizes that the metadata does not carry (ViT width, depth, UNet layout) are read from the tensor shapes instead.
/// </summary>
public sealed class TokenizerConfig
{
    private readonly IReadOnlyDictionary<string, object?> _values;

    public TokenizerConfig(IReadOnlyDictionary<string, object?> values, string source)
    {
        _values = values;
        Source = source;
    }

    /// <summary>Where the config came from (file name), for error messages.</summary>
    public string Source { get; }

    public IEnumerable<string> Keys => _values.Keys;

    public bool Contains(string key) => _values.TryGetValue(key, out var v) && v is not null;

    public int ImageSize => GetInt("image_size", 224);
    public int ChannelCount => GetInt("n_channels", 3);
    public int? LabelCount => Contains("n_labels") ? GetInt("n_labels", 0) : null;
    public string EncoderType => GetString("enc_type", "vit_b_enc");
    public string DecoderType => GetString("dec_type", "vit_b_dec");
    public bool PatchProjection => GetBool("patch_proj", true);
    public bool PostMlp => GetBool("post_mlp", false);
    public int PatchSize => GetInt("patch_size", 16);
    public string QuantizerType => GetString("quant_type", "lucid");
    public int CodebookSize => GetInt("codebook_size", 16384);
    public int CodebookCount => GetInt("num_codebooks", 1);
    public int LatentDim => GetInt("latent_dim", 32);
    public bool NormalizeCodes => GetBool("norm_codes", true);
    public bool UndoImageNetStandardization => GetBool("undo_std", false);
    public bool OutputConv => GetBool("out_conv", false);

    // DiVAE decoder / scheduler settings. Defaults are the reference DiVAE class defaults.
    public int TrainTimesteps => GetInt("num_train_timesteps", 1000);
    public string BetaSchedule => GetString("beta_schedule", "squaredcos_cap_v2");
    public string PredictionType => GetString("prediction_type", "v_prediction");
    public bool ClipSample => GetBool("clip_sample", false);
    public bool Thresholding => GetBool("thresholding", true);
    public bool ZeroTerminalSnr => GetBool("zero_terminal_snr", true);
    public string SchedulerType => GetString("scheduler", "ddpm");

    public int GetInt(string key, int fallback) => _values.TryGetValue(key, out var v) && v is not null
        ? v switch
        {
            long l => checked((int)l),
            int i => i,
            double d when d == Math.Floor(d) => (int)d,
            string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw Invalid(key, v, "an integer"),
        }
        : fallback;

    public double GetDouble(string key, double fallback) => _values.TryGetValue(key, out var v) && v is not null
        ? v switch
        {
            long l => l,
            int i => i,
            double d => d,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => throw Invalid(key, v, "a number"),
        }
        : fallback;

    public bool GetBool(string key, bool fallback) => _values.TryGetValue(key, out var v) && v is not null
        ? v switch
        {
            bool b => b,
            string s when bool.TryParse(s, out var parsed) => parsed,
            _ => throw Invalid(key, v, "True or False"),
        }
        : fallback;

    public string GetString(string key, string fallback) => _values.TryGetValue(key, out var v) && v is not null
        ? v as string ?? Convert.ToString(v, CultureInfo.InvariantCulture) ?? fallback
        : fallback;

    private InvalidDataException Invalid(string key, object value, string expected) =>
        new($"{Source}: config key '{key}' is {value} ({value.GetType().Name}), expected {expected}");
}
