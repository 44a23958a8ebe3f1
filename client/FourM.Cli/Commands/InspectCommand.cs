using System.Globalization;
using FourM.Model;
using FourM.Model.Checkpoints;
using FourM.Model.Modalities;

namespace FourM.Cli.Commands;

/// <summary>Describes a 4M checkpoint without loading its weights: config, modalities, parameter counts, dtypes, size.</summary>
public sealed class InspectCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["inspect"];
    public string Usage => "inspect <checkpoint.safetensors | folder>";
    public string Summary => "print a 4M checkpoint's config, modalities, parameter counts (trunk/total), dtypes and size";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        if (cl.Positional.Count != 1) throw new UsageException("expected exactly one checkpoint file or folder");
        var path = cl.Positional[0];
        var weights = Directory.Exists(path) ? System.IO.Path.Combine(path, FourMCheckpointLoader.WeightsFileName) : path;
        try
        {
            Print(weights, Console.Out);
            return Task.FromResult(0);
        }
        catch (Exception ex) when (ex is SafetensorsFormatException or FormatException or IOException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return Task.FromResult(1);
        }
    }

    private static void Print(string weights, TextWriter output)
    {
        using var file = SafetensorsFile.Open(weights);
        var registry = ModalityRegistry.CreateDefault();
        var (config, source) = FourMCheckpointLoader.ReadConfig(file, registry);
        var counts = ParameterCount.Of(config, registry);
        string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        output.WriteLine($"file         {file.Path}");
        output.WriteLine($"size         {file.Length / 1048576.0:F1} MiB ({N(file.Length)} bytes), header {N(file.Header.DataOffset - 8)} bytes");
        output.WriteLine($"config       {source}");
        output.WriteLine($"tensors      {file.Entries.Count} stored, {N(file.Entries.Values.Sum(e => e.ElementCount))} elements");
        output.WriteLine("dtypes       " + string.Join(", ", file.Entries.Values.GroupBy(e => e.Dtype).OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key} x{g.Count()}")));
        output.WriteLine($"parameters   total {N(counts.Total)} ({counts.Total / 1e6:F1}M), trunk {N(counts.Trunk)} ({counts.Trunk / 1e6:F1}M), " +
                         $"embeddings/heads {N(counts.Embeddings)} (shared modality embeddings counted once)");
        using (var meta = FourMModel.CreateUninitialized(config, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.META, registry))
        {
            var expected = meta.StateDictionary();
            var absent = expected.Keys.Where(k => !file.Contains(k)).Order(StringComparer.Ordinal).ToList();
            var unknown = file.Names.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
            var misshapen = expected.Where(kv => file.Contains(kv.Key) && !file.Entry(kv.Key).Shape.SequenceEqual(kv.Value.shape)).Select(kv => kv.Key).ToList();
            output.WriteLine($"keys         {expected.Count} in the model's state dict; absent from file {absent.Count}, unknown {unknown.Count}, shape mismatches {misshapen.Count}");
            foreach (var (label, keys) in new[] { ("absent", absent), ("unknown", unknown), ("mismatch", misshapen) })
                foreach (var key in keys.Take(20)) output.WriteLine($"  {label,-9}{key}");
        }
        output.WriteLine($"model        dim {config.Dim}, encoder {config.EncoderDepth} x decoder {config.DecoderDepth} blocks, {config.NumHeads} heads " +
                         $"(head dim {config.HeadDim}), {(config.GatedMlp ? "gated" : "plain")} MLP {config.MlpHiddenDim} {config.ActLayer}, " +
                         $"qk-norm {Yes(config.QkNorm)}, biases qkv/proj/mlp/norm {Yes(config.QkvBias)}/{Yes(config.ProjBias)}/{Yes(config.MlpBias)}/{Yes(config.NormBias)}, " +
                         $"image {config.ImageSize} patch {config.PatchSize}");
        output.WriteLine("modalities   name                   in  out type      vocab  tokens  patch/size  id");
        foreach (var name in config.DomainsIn.Concat(config.DomainsOut).Distinct())
        {
            var m = registry.Get(name);
            var grid = m.IsImage ? $"{m.PatchSize ?? config.PatchSize}/{m.ImageSize ?? config.ImageSize}" : "-";
            output.WriteLine($"             {name,-22} {Yes(config.DomainsIn.Contains(name)),-3} {Yes(config.DomainsOut.Contains(name)),-3} " +
                             $"{m.Type,-9} {(m.VocabSize?.ToString(CultureInfo.InvariantCulture) ?? "-"),6} {m.TokenCount(config.ImageSize, config.PatchSize),7}  {grid,-10}  {m.Id}");
        }
    }

    private static string Yes(bool value) => value ? "yes" : "no";
}
