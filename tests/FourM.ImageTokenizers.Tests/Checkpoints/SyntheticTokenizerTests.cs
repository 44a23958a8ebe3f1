using FourM.ImageTokenizers.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace FourM.ImageTokenizers.Tests.Checkpoints;

/// <summary>Loading and running tokenizer layouts the goldens do not cover: feature-map ViTs with ConvNeXt output, MLP + memcodes.</summary>
public sealed class SyntheticTokenizerTests
{
    /// <summary>A CLIP-style feature-map tokenizer: 1×1 patch projection, one ViT block each side, ConvNeXt out_conv.</summary>
    private static SyntheticCheckpoint FeatureMapTokenizer()
    {
        const long channels = 16, dim = 32, latent = 8;
        var checkpoint = new SyntheticCheckpoint()
            .Meta("n_channels", "16").Meta("patch_proj", "False").Meta("post_mlp", "True").Meta("patch_size", "1")
            .Meta("quant_type", "lucid").Meta("codebook_size", "10").Meta("latent_dim", "8").Meta("norm_codes", "True")
            .Meta("enc_type", "vit_golden_enc").Meta("dec_type", "vit_golden_dec").Meta("out_conv", "True").Meta("image_size", "3")
            .Tensor("encoder.pos_emb", 1, dim, 3, 3).Tensor("encoder.proj.weight", dim, channels, 1, 1).Tensor("encoder.proj.bias", dim)
            .VitBlocks("encoder", 1, dim)
            .Tensor("encoder.norm_mlp.weight", dim).Tensor("encoder.norm_mlp.bias", dim)
            .Tensor("encoder.post_mlp.fc1.weight", 4 * dim, dim).Tensor("encoder.post_mlp.fc1.bias", 4 * dim)
            .Tensor("encoder.post_mlp.fc2.weight", dim, 4 * dim).Tensor("encoder.post_mlp.fc2.bias", dim)
            .Tensor("quant_proj.weight", latent, dim, 1, 1).Tensor("quant_proj.bias", latent)
            .Tensor("quantize._codebook.embed", 10, latent).Tensor("quantize._codebook.cluster_size", 10)
            .Tensor("post_quant_proj.weight", dim, latent, 1, 1).Tensor("post_quant_proj.bias", dim)
            .Tensor("decoder.pos_emb", 1, dim, 3, 3).VitBlocks("decoder", 1, dim)
            .Tensor("decoder.norm_mlp.weight", dim).Tensor("decoder.norm_mlp.bias", dim)
            .Tensor("decoder.post_mlp.fc1.weight", 4 * dim, dim).Tensor("decoder.post_mlp.fc1.bias", 4 * dim)
            .Tensor("decoder.post_mlp.fc2.weight", dim, 4 * dim).Tensor("decoder.post_mlp.fc2.bias", dim)
            .Tensor("decoder.out_proj.weight", channels, dim).Tensor("decoder.out_proj.bias", channels);
        for (var i = 0; i < 2; i++)
        {
            var block = $"decoder.out_conv.{i}";
            checkpoint.Tensor($"{block}.dwconv.weight", channels, 1, 7, 7).Tensor($"{block}.dwconv.bias", channels)
                .Tensor($"{block}.norm.weight", channels).Tensor($"{block}.norm.bias", channels)
                .Tensor($"{block}.pwconv1.weight", 4 * channels, channels).Tensor($"{block}.pwconv1.bias", 4 * channels)
                .Tensor($"{block}.pwconv2.weight", channels, 4 * channels).Tensor($"{block}.pwconv2.bias", channels)
                .Tensor($"{block}.gamma", channels);
        }
        return checkpoint;
    }

    [Fact]
    public void Feature_map_tokenizer_with_convnext_output_loads_every_tensor_and_runs()
    {
        using var checkpoint = FeatureMapTokenizer();
        using var tokenizer = ImageTokenizer.Load(checkpoint.Save(1));
        Assert.Equal(checkpoint.Count - 1, tokenizer.Report.Loaded);
        Assert.Equal(["quantize._codebook.cluster_size"], tokenizer.Report.Unused);
        using var scope = NewDisposeScope();
        var features = randn(2, 16, 3, 3);
        var tokens = tokenizer.Tokenize(features);
        Assert.Equal([2L, 3, 3], tokens.shape);
        Assert.InRange(tokens.max().item<long>(), 0, 9);
        var decoded = tokenizer.Detokenize(tokens);
        Assert.Equal([2L, 16, 3, 3], decoded.shape);
        // The token grid at another resolution uses the bicubically resized position table.
        Assert.Equal([1L, 5, 4], tokenizer.Tokenize(randn(1, 16, 5, 4)).shape);
    }

    [Fact]
    public void Tokens_are_the_cosine_nearest_codes_of_the_latent()
    {
        using var checkpoint = FeatureMapTokenizer();
        var path = checkpoint.Save(2);
        using var tokenizer = ImageTokenizer.Load(path);
        using var file = FourM.Model.Checkpoints.SafetensorsFile.Open(path);
        using var scope = NewDisposeScope();
        var features = randn(1, 16, 3, 3);
        var latent = tokenizer.EncodeLatent(features).permute(0, 2, 3, 1).reshape(-1, 8);
        var codes = file.ReadTensor("quantize._codebook.embed");
        var cosine = (latent / latent.norm(1, true)).matmul((codes / codes.norm(1, true)).t());
        Assert.Equal(cosine.argmax(1).data<long>().ToArray(), tokenizer.Tokenize(features).flatten().data<long>().ToArray());
        // Embedding a token returns the stored, un-normalised code row.
        var embedded = tokenizer.TokensToLatent(tensor(new long[] { 7 }).reshape(1, 1, 1));
        Assert.Equal(codes[7].data<float>().ToArray(), embedded.flatten().data<float>().ToArray());
    }

    [Fact]
    public void Global_mlp_tokenizer_with_memcodes_gives_one_token_per_head()
    {
        using var checkpoint = new SyntheticCheckpoint()
            .Meta("n_channels", "12").Meta("quant_type", "'memcodes'").Meta("codebook_size", "5").Meta("num_codebooks", "2")
            .Meta("latent_dim", "8").Meta("enc_type", "BottleneckMLP/B_2-Wi_16").Meta("dec_type", "BottleneckMLP/B_2-Wi_16")
            .BottleneckMlp("encoder", 2, 12, 16, 16)
            .Tensor("quant_proj.weight", 8, 16, 1, 1).Tensor("quant_proj.bias", 8)
            .Tensor("quantize.codes", 2, 5, 4).Tensor("quantize.to_k.weight", 2, 4, 4).Tensor("quantize.to_v.weight", 2, 4, 4)
            .Tensor("post_quant_proj.weight", 16, 8, 1, 1).Tensor("post_quant_proj.bias", 16)
            .BottleneckMlp("decoder", 2, 16, 16, 12);
        var path = checkpoint.Save(3);
        using var tokenizer = ImageTokenizer.Load(path);
        using var file = FourM.Model.Checkpoints.SafetensorsFile.Open(path);
        Assert.Equal(checkpoint.Count, tokenizer.Report.Loaded);
        using var scope = NewDisposeScope();
        var embedding = randn(3, 12, 1, 1);
        var tokens = tokenizer.Tokenize(embedding);
        Assert.Equal([3L, 2, 1, 1], tokens.shape);

        // Per head h: argmax_j (q_h / √4) · (codes[h, j] · to_k[h]).
        var latent = tokenizer.EncodeLatent(embedding).reshape(3, 2, 4);
        var codes = file.ReadTensor("quantize.codes");
        var keys = codes.matmul(file.ReadTensor("quantize.to_k.weight"));
        for (var h = 0; h < 2; h++)
        {
            var expected = (latent[.., h] / 2).matmul(keys[h].t()).argmax(1);
            Assert.Equal(expected.data<long>().ToArray(), tokens[.., h].flatten().data<long>().ToArray());
        }
        // Decoding embeds each head's token with to_v(codes) and runs the MLP decoder.
        var values = codes.matmul(file.ReadTensor("quantize.to_v.weight"));
        var quant = tokenizer.TokensToLatent(tokens);
        Assert.Equal(values[1][tokens[0, 1, 0, 0].item<long>()].data<float>().ToArray(), quant[0, 4..8, 0, 0].data<float>().ToArray());
        Assert.Equal([3L, 12, 1, 1], tokenizer.Detokenize(tokens).shape);
    }

    [Fact]
    public void Missing_tensors_are_reported_by_name()
    {
        using var checkpoint = FeatureMapTokenizer().Without("decoder.out_conv.1.gamma").Without("encoder.blocks.0.attn.proj.bias");
        var error = Assert.Throws<TokenizerLoadException>(() => ImageTokenizer.Load(checkpoint.Save(4)));
        Assert.Contains("decoder.out_conv.1.gamma", error.Message);
        Assert.Contains("encoder.blocks.0.attn.proj.bias", error.Message);
    }

    [Fact]
    public void Unsupported_scheduler_settings_fail_the_load_by_name()
    {
        using var checkpoint = FeatureMapTokenizer();
        // Turn it into a (tiny) DiVAE whose config asks for a beta schedule the port does not know.
        checkpoint.Meta("beta_schedule", "'cubic'").Meta("n_channels", "3")
            .Tensor("decoder.time_embed.0.weight", 128, 32).Tensor("decoder.time_embed.0.bias", 128)
            .Tensor("decoder.time_embed.2.weight", 128, 128).Tensor("decoder.time_embed.2.bias", 128)
            .Tensor("decoder.input_blocks.0.0.weight", 32, 3 * 16 + 8, 3, 3).Tensor("decoder.input_blocks.0.0.bias", 32)
            .Tensor("decoder.out.0.weight", 32).Tensor("decoder.out.0.bias", 32)
            .Tensor("decoder.out.2.weight", 48, 32, 3, 3).Tensor("decoder.out.2.bias", 48)
            .Tensor("encoder.proj.weight", 32, 3, 1, 1);
        var error = Assert.Throws<TokenizerLoadException>(() => ImageTokenizer.Load(checkpoint.Save(6)));
        Assert.Contains("cubic", error.Message);
    }

    [Fact]
    public void Unknown_layouts_and_files_fail_with_clear_errors()
    {
        using var checkpoint = new SyntheticCheckpoint().Tensor("something.else", 3);
        var error = Assert.Throws<TokenizerLoadException>(() => ImageTokenizer.Load(checkpoint.Save(5)));
        Assert.Contains("no encoder found", error.Message);
        Assert.Throws<TokenizerLoadException>(() => ImageTokenizer.Load("/nonexistent/tokenizer.safetensors"));
    }
}
