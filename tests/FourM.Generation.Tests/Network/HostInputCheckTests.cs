using FourM.Generation.Batching;
using FourM.Generation.Network;
using FourM.Model.Embeddings;
using Xunit;
using static TorchSharp.torch;

namespace FourM.Generation.Tests.Network;

/// <summary>
/// The network adapter checks step inputs on the host (no device read-back mid-step): a bad id must still fail with the
/// model's own message, and good inputs must embed exactly as the device-checked path does.
/// </summary>
public sealed class HostInputCheckTests
{
    private static readonly FourMModelNetwork Network = new(TinyModel.Instance);

    private static ModalityState ImageTokens(long[] tokens) => new()
    {
        Modality = "tok_depth@224", Tokens = tokens, InputMask = new bool[tokens.Length],
        TargetMask = Enumerable.Repeat(true, tokens.Length).ToArray(), DecoderAttentionMask = new int[tokens.Length],
    };

    [Fact]
    public void An_out_of_vocabulary_encoder_id_fails_with_the_models_message()
    {
        var tokens = new long[196];
        tokens[7] = 8192;   // tok_depth has 8192 entries
        var hostError = Assert.Throws<ArgumentException>(() => Network.EmbedEncoderInputs([ImageTokens(tokens)]));

        using var scope = NewDisposeScope();
        var deviceError = Assert.Throws<ArgumentException>(() =>
            TinyModel.Instance.EmbedEncoderInput("tok_depth@224", tensor(tokens, [1, 196]), zeros([1, 196], ScalarType.Bool)));
        Assert.Equal(deviceError.Message, hostError.Message);
    }

    [Fact]
    public void An_out_of_vocabulary_decoder_target_id_fails_with_the_models_message()
    {
        var tokens = new long[196];
        tokens[0] = -3;
        var error = Assert.Throws<ArgumentException>(() => Network.DecoderPositionEmbeddings("tok_depth@224", tokens, new bool[196], 1));
        Assert.Contains("token ids must lie in [0, 8192), found [-3, 0]", error.Message);
    }

    [Fact]
    public void A_sequence_longer_than_its_position_table_fails_on_the_host()
    {
        var rows = TinyModel.Instance.EncoderEmbeddingFor("caption").PositionEmbedding.shape[1];
        var mask = new bool[2 * (rows + 1)];
        Array.Fill(mask, true, 0, (int)rows + 1);   // row 0: nothing valid; row 1: rows + 1 valid tokens
        var error = Assert.Throws<ArgumentException>(() => HostInputChecks.PositionCount(mask, 2, rows, "caption"));
        Assert.Contains($"{rows + 1} valid tokens exceed the {rows} positions", error.Message);
        HostInputChecks.PositionCount(mask.AsSpan(0, (int)rows + 1), 1, rows, "caption");
    }

    [Fact]
    public void An_out_of_vocabulary_sequence_target_id_fails_with_the_models_message()
    {
        var vocab = TinyModel.Instance.Modalities.Get("caption").VocabSize!.Value;
        var tokens = new long[] { 5, vocab, 7, 3 };
        var hostError = Assert.Throws<ArgumentException>(() => Network.DecoderPositionEmbeddings("caption", tokens, new bool[4], 1));

        using var scope = NewDisposeScope();
        var deviceError = Assert.Throws<ArgumentException>(() =>
            TinyModel.Instance.DecoderEmbeddingFor("caption").EmbedTarget(tensor(tokens, [1, 4]), zeros([1, 4], ScalarType.Bool)));
        Assert.Equal(deviceError.Message, hostError.Message);
    }

    [Fact]
    public void The_decoder_position_cap_counts_only_positions_below_it()
    {
        var mask = new bool[10];   // ten valid tokens
        HostInputChecks.PositionCount(mask, 1, positionRows: 8, "caption", maxLength: 8);   // positions 8 and 9 use row 0
        var error = Assert.Throws<ArgumentException>(() => HostInputChecks.PositionCount(mask, 1, positionRows: 8, "caption", maxLength: 9));
        Assert.Contains("9 valid tokens exceed the 8 positions", error.Message);
    }

    [Fact]
    public void Sequence_target_positions_embed_as_the_device_checked_path_and_the_checks_stay_on_afterwards()
    {
        using var scope = NewDisposeScope();
        var tokens = new long[] { 2, 40, 41, 42, 3, 0, 0, 0 };
        var targetMask = new[] { false, false, false, false, false, true, true, true };
        var hostChecked = Network.DecoderPositionEmbeddings("caption", tokens, targetMask, 1);
        var embedding = TinyModel.Instance.DecoderEmbeddingFor("caption");
        var direct = embedding.EmbedTarget(tensor(tokens, [1, 8]), tensor(targetMask, [1, 8])).Emb;
        Assert.Equal(direct.data<float>().ToArray(), hostChecked.data<float>().ToArray());
        Assert.True(embedding.ValidateInputs);
    }

    [Fact]
    public void Host_checked_embedding_on_one_thread_leaves_the_device_checks_on_for_another()
    {
        using var model = TinyModel.Create(23);
        var embedding = model.DecoderEmbeddingFor("caption");
        var vocab = model.Modalities.Get("caption").VocabSize!.Value;
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() => HostInputChecks.WithoutDeviceChecks(embedding, () =>
        {
            inside.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return 0;
        }));
        holder.Start();
        try
        {
            Assert.True(inside.Wait(TimeSpan.FromSeconds(30)));
            // Another thread, while the first is inside its host-checked call: the bad id must still be refused.
            using var scope = NewDisposeScope();
            var error = Assert.Throws<ArgumentException>(() => embedding.EmbedTarget(tensor(new long[] { 1, vocab }, [1, 2]), zeros([1, 2], ScalarType.Bool)));
            Assert.Contains($"token ids must lie in [0, {vocab})", error.Message);
        }
        finally
        {
            release.Set();
            holder.Join();
        }
    }

    [Fact]
    public void Valid_inputs_embed_as_the_device_checked_path_and_the_checks_stay_on_afterwards()
    {
        using var scope = NewDisposeScope();
        var tokens = Enumerable.Range(0, 196).Select(i => (long)(i * 37 % 8192)).ToArray();
        var (content, embedding) = Network.EmbedEncoderInputs([ImageTokens(tokens)]);
        var direct = TinyModel.Instance.EmbedEncoderInput("tok_depth@224", tensor(tokens, [1, 196]), zeros([1, 196], ScalarType.Bool));
        Assert.Equal(direct.X.data<float>().ToArray(), content.data<float>().ToArray());
        Assert.Equal(direct.Emb.data<float>().ToArray(), embedding.data<float>().ToArray());
        Assert.True(TinyModel.Instance.EncoderEmbeddingFor("tok_depth@224").ValidateInputs);
    }
}
