using FourM.Generation;
using FourM.Generation.Initialisation;
using FourM.Generation.Modalities;
using FourM.Generation.Sequences;
using Xunit;

namespace FourM.Generation.Tests.Initialisation;

public sealed class SampleInitialiserTests
{
    private static readonly ModalityCatalog Catalog = ModalityCatalog.Default;

    [Fact]
    public void Empty_sequence_target_starts_with_s1_and_ends_with_s2()
    {
        var state = SampleInitialisers.EmptyTarget(Catalog["caption"], 5);
        Assert.Equal([5L, 5, 0, 0, 6], state.Tokens);
        Assert.Equal([false, true, true, true, true], state.InputMask);
        Assert.Equal([true, false, false, false, false], state.TargetMask);
        Assert.Equal([0, 1, 1, 1, 1], state.DecoderAttentionMask!);
    }

    [Fact]
    public void Empty_image_target_predicts_every_token()
    {
        var state = SampleInitialisers.EmptyTarget(Catalog["tok_rgb@224"], 196);
        Assert.All(state.InputMask, Assert.True);
        Assert.All(state.TargetMask, Assert.False);
        Assert.All(state.Tokens, t => Assert.Equal(0L, t));
    }

    [Fact]
    public void Full_sequence_input_stops_at_the_first_eos_or_becomes_a_lone_eos()
    {
        var withEos = SampleInitialisers.FullInput(Catalog["caption"], [10, 11, 3, 12, 3]);
        Assert.Equal([false, false, false, true, true], withEos.InputMask);
        var withoutEos = SampleInitialisers.FullInput(Catalog["caption"], [10, 11, 12]);
        Assert.Equal([3L, 11, 12], withoutEos.Tokens);
        Assert.Equal([false, true, true], withoutEos.InputMask);
    }

    [Fact]
    public void Full_image_input_must_fill_its_grid()
    {
        var full = SampleInitialisers.FullInput(Catalog["tok_depth@224"], Enumerable.Range(0, 196).Select(i => (long)i).ToArray());
        Assert.All(full.InputMask, Assert.False);

        var partial = Assert.Throws<GenerationPlanException>(() => SampleInitialisers.FullInput(Catalog["tok_depth@224"], [1, 2, 3]));
        Assert.Contains("needs 196 tokens", partial.Message);
    }

    [Fact]
    public void Token_inputs_outside_the_reference_vocabulary_are_refused_when_planned()
    {
        Assert.Equal(8192, Catalog["tok_depth@224"].VocabSize);
        Assert.Equal(30000, Catalog["caption"].VocabSize);
        var grid = new long[196];
        grid[5] = 8192;
        var image = Assert.Throws<GenerationPlanException>(() => SampleInitialisers.FullInput(Catalog["tok_depth@224"], grid));
        Assert.Contains("token ids must lie in [0, 8192), found [0, 8192]", image.Message);
        var text = Assert.Throws<GenerationPlanException>(() => SampleInitialisers.FullInput(Catalog["caption"], [5, -1, 3]));
        Assert.Contains("found [-1, 5]", text.Message);
        var holes = new bool[196];
        holes[0] = true;
        Assert.Throws<GenerationPlanException>(() => SampleInitialisers.Inpainting(Catalog["tok_depth@224"], grid, holes));
        grid[5] = 8191;
        Assert.Equal(8191L, SampleInitialisers.FullInput(Catalog["tok_depth@224"], grid).Tokens[5]);
    }

    [Fact]
    public void Custom_text_is_input_followed_by_a_masked_target_block()
    {
        var state = SampleInitialisers.CustomText("caption", "a b [S_1]", new WhitespaceEncoder(), targetMaxLength: 4);
        Assert.Equal([100L, 101, 5, 5, 0, 0, 3], state.Tokens);
        Assert.Equal([false, false, false, true, true, true, true], state.InputMask);
        Assert.Equal(state.InputMask.Select(m => !m), state.TargetMask);
    }

    [Fact]
    public void Unconditioned_sequence_keeps_only_the_start_sentinel()
    {
        var text = SampleInitialisers.CustomText("caption", "a b [EOS]", new WhitespaceEncoder(), targetMaxLength: 3);
        var empty = SampleInitialisers.Unconditioned(text, ModalityKind.Sequence);
        Assert.Equal([5L, 5, 0, 0, 0, 6], empty.Tokens);
        Assert.Equal([false, true, true, true, true, true], empty.InputMask);
    }

    [Fact]
    public void Inpainting_targets_exactly_the_holes()
    {
        var tokens = Enumerable.Range(0, 196).Select(i => (long)i).ToArray();
        var holes = Enumerable.Range(0, 196).Select(i => i % 7 == 0).ToArray();
        var state = SampleInitialisers.Inpainting(Catalog["tok_rgb@224"], tokens, holes);
        Assert.Equal(holes, state.InputMask);
        Assert.Equal(holes.Count(h => h), state.TargetMask.Count(t => !t));
        Assert.Throws<GenerationPlanException>(() => SampleInitialisers.Inpainting(Catalog["tok_rgb@224"], tokens, new bool[196]));
    }

    [Fact]
    public void Span_merge_replaces_each_sentinel_with_its_decoded_span()
    {
        var sentinels = Enumerable.Range(4, 200).ToHashSet();
        // input "[S_1] dogs [S_2] [EOS]", decoded "[S_1] two [S_2] with a [S_3]"
        var merged = SpanMerge.Merge([5, 5000, 6, 3], [5, 4000, 6, 4100, 4200, 7], sentinels);
        Assert.Equal([4000L, 5000, 4100, 4200, 3], merged);
        // a sentinel never decoded vanishes
        Assert.Equal([5000L], SpanMerge.Merge([5, 5000], [6, 1], sentinels));
    }

    /// <summary>Test double: known words get fixed ids, sentinels and specials their reference ids.</summary>
    private sealed class WhitespaceEncoder : ITextEncoder
    {
        public IReadOnlyList<int> Encode(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(TokenToId).ToList();
        public int TokenToId(string token) => token switch
        {
            "[PAD]" => 0, "[EOS]" => 3, "[S_1]" => 5, "[S_2]" => 6,
            _ => 100 + (token[0] - 'a'),
        };
        public bool IsSentinel(long id) => id is >= 4 and <= 203;
        public IReadOnlySet<int> SentinelIds { get; } = Enumerable.Range(4, 200).ToHashSet();
    }
}
