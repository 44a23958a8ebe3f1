using FourM.ImageTokenizers.Checkpoints;

namespace FourM.ImageTokenizers.Diffusion.Unet;

/// <summary>One layer of a UNet stage, as a recipe (so a layout can be built from a checkpoint or from settings).</summary>
public abstract record UnetLayerSpec
{
    public abstract UnetLayer Create();
}

public sealed record ConvSpec(long In, long Out) : UnetLayerSpec
{
    public override UnetLayer Create() => new UnetConv(In, Out);
}

public sealed record ResBlockSpec(long In, long Out, long Embedding, bool ScaleShift, bool ConvSkip) : UnetLayerSpec
{
    public override UnetLayer Create() => new UnetResBlock(In, Out, Embedding, ScaleShift, ConvSkip);
}

public sealed record AttentionSpec(long Channels, long Heads) : UnetLayerSpec
{
    public override UnetLayer Create() => new UnetAttentionBlock(Channels, Heads);
}

public sealed record DownsampleSpec(long In, long Out) : UnetLayerSpec
{
    public override UnetLayer Create() => new UnetDownsample(In, Out);
}

public sealed record UpsampleSpec(long In, long Out) : UnetLayerSpec
{
    public override UnetLayer Create() => new UnetUpsample(In, Out);
}

/// <summary>The full layer plan of a patched UNet.</summary>
public sealed record UnetLayout(
    long ImageChannels,
    long ConditionChannels,
    int PatchSize,
    long ModelChannels,
    long EmbeddingChannels,
    IReadOnlyList<IReadOnlyList<UnetLayerSpec>> InputStages,
    IReadOnlyList<UnetLayerSpec> MiddleStage,
    IReadOnlyList<IReadOnlyList<UnetLayerSpec>> OutputStages,
    long FinalChannels)
{
    /// <summary>
    /// The plan guided-diffusion's <c>UNetModel.__init__</c> builds from its settings (conv resampling, no FiLM, one
    /// head unless given) — used for random-weight benchmarks of the reference sizes.
    /// </summary>
    public static UnetLayout FromSettings(long imageChannels, long conditionChannels, int patchSize, long modelChannels,
        int resBlocks, IReadOnlyCollection<int> attentionResolutions, IReadOnlyList<int> channelMultipliers, long heads = 1)
    {
        var embedding = modelChannels * 4;
        var ch = channelMultipliers[0] * modelChannels;
        var input = new List<IReadOnlyList<UnetLayerSpec>> { new UnetLayerSpec[] { new ConvSpec(imageChannels * patchSize * patchSize + conditionChannels, ch) } };
        var skipChannels = new Stack<long>();
        skipChannels.Push(ch);
        var ds = 1;
        for (var level = 0; level < channelMultipliers.Count; level++)
        {
            for (var i = 0; i < resBlocks; i++)
            {
                var outCh = channelMultipliers[level] * modelChannels;
                var layers = new List<UnetLayerSpec> { new ResBlockSpec(ch, outCh, embedding, false, false) };
                ch = outCh;
                if (attentionResolutions.Contains(ds)) layers.Add(new AttentionSpec(ch, heads));
                input.Add(layers);
                skipChannels.Push(ch);
            }
            if (level == channelMultipliers.Count - 1) continue;
            input.Add(new UnetLayerSpec[] { new DownsampleSpec(ch, ch) });
            skipChannels.Push(ch);
            ds *= 2;
        }
        var middle = new UnetLayerSpec[] { new ResBlockSpec(ch, ch, embedding, false, false), new AttentionSpec(ch, heads), new ResBlockSpec(ch, ch, embedding, false, false) };
        var output = new List<IReadOnlyList<UnetLayerSpec>>();
        for (var level = channelMultipliers.Count - 1; level >= 0; level--)
        {
            for (var i = 0; i <= resBlocks; i++)
            {
                var outCh = channelMultipliers[level] * modelChannels;
                var layers = new List<UnetLayerSpec> { new ResBlockSpec(ch + skipChannels.Pop(), outCh, embedding, false, false) };
                ch = outCh;
                if (attentionResolutions.Contains(ds)) layers.Add(new AttentionSpec(ch, heads));
                if (level > 0 && i == resBlocks)
                {
                    layers.Add(new UpsampleSpec(ch, ch));
                    ds /= 2;
                }
                output.Add(layers);
            }
        }
        return new UnetLayout(imageChannels, conditionChannels, patchSize, modelChannels, embedding, input, middle, output, ch);
    }

    /// <summary>Reads the plan from the tensors stored under <paramref name="prefix"/> (e.g. <c>decoder</c>).</summary>
    public static UnetLayout FromShapes(CheckpointShapes shapes, string prefix, long imageChannels, long conditionChannels, long heads)
    {
        var modelChannels = shapes.Dim($"{prefix}.time_embed.0.weight", 1);
        var embedding = shapes.Dim($"{prefix}.time_embed.0.weight", 0);
        var inputWidth = shapes.Dim($"{prefix}.input_blocks.0.0.weight", 1);
        var patchArea = (inputWidth - conditionChannels) / imageChannels;
        var patchSize = (int)Math.Round(Math.Sqrt(patchArea));
        if (patchSize * patchSize * imageChannels + conditionChannels != inputWidth)
            throw new InvalidDataException(
                $"{shapes.Source}: {prefix}.input_blocks.0.0 takes {inputWidth} channels, not {imageChannels}·P² + {conditionChannels}");
        var input = ReadStages(shapes, $"{prefix}.input_blocks", heads);
        var middle = ReadStage(shapes, $"{prefix}.middle_block", heads);
        var output = ReadStages(shapes, $"{prefix}.output_blocks", heads);
        var final = shapes.Dim($"{prefix}.out.0.weight", 0);
        return new UnetLayout(imageChannels, conditionChannels, patchSize, modelChannels, embedding, input, middle, output, final);
    }

    private static List<IReadOnlyList<UnetLayerSpec>> ReadStages(CheckpointShapes shapes, string prefix, long heads) =>
        Enumerable.Range(0, shapes.CountIndexed(prefix)).Select(i => ReadStage(shapes, $"{prefix}.{i}", heads)).ToList();

    private static IReadOnlyList<UnetLayerSpec> ReadStage(CheckpointShapes shapes, string stage, long heads)
    {
        return Enumerable.Range(0, shapes.CountIndexed(stage)).Select(i => ReadLayer(shapes, $"{stage}.{i}", heads)).ToList();
    }

    private static UnetLayerSpec ReadLayer(CheckpointShapes shapes, string path, long heads)
    {
        if (shapes.Has($"{path}.weight"))
            return new ConvSpec(shapes.Dim($"{path}.weight", 1), shapes.Dim($"{path}.weight", 0));
        if (shapes.Has($"{path}.in_layers.2.weight"))
        {
            var outChannels = shapes.Dim($"{path}.in_layers.2.weight", 0);
            return new ResBlockSpec(
                In: shapes.Dim($"{path}.in_layers.2.weight", 1), Out: outChannels,
                Embedding: shapes.Dim($"{path}.emb_layers.1.weight", 1),
                ScaleShift: shapes.Dim($"{path}.emb_layers.1.weight", 0) == 2 * outChannels,
                ConvSkip: shapes.Has($"{path}.skip_connection.weight") && shapes.Dim($"{path}.skip_connection.weight", 2) == 3);
        }
        if (shapes.Has($"{path}.qkv.weight")) return new AttentionSpec(shapes.Dim($"{path}.qkv.weight", 1), heads);
        if (shapes.Has($"{path}.op.weight")) return new DownsampleSpec(shapes.Dim($"{path}.op.weight", 1), shapes.Dim($"{path}.op.weight", 0));
        if (shapes.Has($"{path}.conv.weight")) return new UpsampleSpec(shapes.Dim($"{path}.conv.weight", 1), shapes.Dim($"{path}.conv.weight", 0));
        throw new InvalidDataException($"{shapes.Source}: '{path}' is not a UNet layer this port knows (conv, ResBlock, attention, down/upsample)");
    }
}
