using System.Text.Json;
using FourM.TestSupport;
using FourM.Tokenizers.Text;
using FourM.Tokenizers.Text.SpanMasking;
using Xunit;

namespace FourM.Tokenizers.Tests;

/// <summary>The tokenizer-side pieces of the generation goldens: the caption condition, span merging and decoding.</summary>
public sealed class GenerationCaptionGoldenTests
{
    private static TextTokenizer Tokenizer => TextTokenizer.Default;

    [GoldenFact]
    public void CaptionConditionIsTheEncodedTextFollowedByTheMaskedTargetBlock()
    {
        var tensor = new SafetensorsTestFile(Goldens.File("gen_caseA_stage1.safetensors")).ReadIntegers("init.caption.tensor");
        var sentinels = SentinelTokens.Default;
        int[] text = Tokenizer.EncodeIds("a photo of a house by the lake [EOS]");
        int[] block = [sentinels.IdOf(1), .. Enumerable.Repeat(sentinels.PadId, 48), sentinels.EndId];
        Assert.Equal([.. text, .. block], tensor.Select(v => (int)v));
    }

    [GoldenTheory]
    [InlineData("gen_caseA_stage2")]
    [InlineData("gen_caseB_stage2")]
    public void GeneratedSpansMergeIntoTheInputAndDecodeAsTheReference(string run)
    {
        var file = new SafetensorsTestFile(Goldens.File(run + ".safetensors"));
        var tensor = file.ReadIntegers("init.caption.tensor");
        var inputMask = file.ReadIntegers("init.caption.input_mask");
        int[] input = tensor.Where((_, i) => inputMask[i] == 0).Select(v => (int)v).ToArray();
        int[] generated = file.ReadIntegers("step00.ar_out").Select(v => (int)v).ToArray();
        int[] expectedMerged = file.ReadIntegers("step00.caption.tensor").Select(v => (int)v).ToArray();

        int[] merged = SpanMerging.Merge(input, generated, SentinelTokens.Default.Ids);
        Assert.Equal(expectedMerged, merged);

        using var json = JsonDocument.Parse(File.ReadAllText(Goldens.File(run + ".json")));
        var step = json.RootElement.GetProperty("steps")[0];
        Assert.Equal(step.GetProperty("ar_out_text")[0].GetString(), Tokenizer.Decode(generated));
        Assert.Equal(step.GetProperty("merged_text")[0].GetString(), Tokenizer.Decode(merged));
    }
}
