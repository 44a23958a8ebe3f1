namespace FourM.Tokenizers.Text.Verification;

/// <summary>A difference between this tokenizer and a reference case.</summary>
public sealed record CaseMismatch(string Case, string Field, string Expected, string Actual)
{
    public override string ToString() => $"{Case} {Field}: expected {Expected}, got {Actual}";
}

/// <summary>Compares a tokenizer with every case of a reference case file, exactly (ids, tokens and both decodes).</summary>
public static class TextTokenizerCaseVerifier
{
    public static IReadOnlyList<CaseMismatch> Verify(TextTokenizer tokenizer, TextTokenizerCaseFile file)
    {
        var mismatches = new List<CaseMismatch>();
        for (int i = 0; i < file.Cases.Count; i++)
        {
            var c = file.Cases[i];
            string name = $"case {i} {Quote(c.Text, 40)}";
            TextEncoding encoding;
            try
            {
                encoding = tokenizer.Encode(c.Text);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                mismatches.Add(new CaseMismatch(name, "encode", "success", $"{ex.GetType().Name}: {ex.Message}"));
                continue;
            }
            if (!encoding.Ids.AsSpan().SequenceEqual(c.Ids))
                mismatches.Add(new CaseMismatch(name, "ids", Join(c.Ids), Join(encoding.Ids)));
            if (!encoding.Tokens.AsSpan().SequenceEqual(c.Tokens))
                mismatches.Add(new CaseMismatch(name, "tokens", Join(c.Tokens), Join(encoding.Tokens)));
            CompareDecodes(tokenizer, name, c.Ids, c.Decode, c.DecodeSkipSpecial, mismatches);
        }
        for (int i = 0; i < file.DecodeOnly.Count; i++)
        {
            var d = file.DecodeOnly[i];
            CompareDecodes(tokenizer, $"decode_only {i}", d.Ids, d.Decode, d.DecodeSkipSpecial, mismatches);
        }
        foreach (var (token, id) in file.TokenToId)
        {
            int? actual = tokenizer.TokenToId(token);
            if (actual != id) mismatches.Add(new CaseMismatch($"token_to_id {Quote(token, 40)}", "id", id.ToString(), actual?.ToString() ?? "none"));
        }
        if (file.VocabularySize is { } size && tokenizer.VocabularySize != size)
            mismatches.Add(new CaseMismatch("vocab_size", "size", size.ToString(), tokenizer.VocabularySize.ToString()));
        return mismatches;
    }

    private static void CompareDecodes(TextTokenizer tokenizer, string name, int[] ids, string decode, string decodeSkipSpecial,
        List<CaseMismatch> mismatches)
    {
        string actual = tokenizer.Decode(ids, skipSpecialTokens: false);
        if (actual != decode) mismatches.Add(new CaseMismatch(name, "decode", Quote(decode, 80), Quote(actual, 80)));
        string actualSkip = tokenizer.Decode(ids, skipSpecialTokens: true);
        if (actualSkip != decodeSkipSpecial)
            mismatches.Add(new CaseMismatch(name, "decode_skip_special", Quote(decodeSkipSpecial, 80), Quote(actualSkip, 80)));
    }

    private static string Join<T>(IEnumerable<T> values)
    {
        string joined = "[" + string.Join(", ", values) + "]";
        return joined.Length > 120 ? joined[..117] + "...]" : joined;
    }

    private static string Quote(string text, int max)
    {
        string escaped = System.Text.Json.JsonSerializer.Serialize(text.Length > max ? text[..max] + "…" : text);
        return escaped;
    }
}
