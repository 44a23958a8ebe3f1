using FourM.Tokenizers.Text;

namespace FourM.Cli.Commands;

/// <summary>Encodes text with the 4M text tokenizer (or decodes ids) and prints what the model would see.</summary>
public sealed class TokenizeCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["tokenize"];
    public string Usage => "tokenize <text> | --decode <id,id,...> [--skip-special] [--tokenizer FILE]";
    public string Summary => "encode text to ids/tokens/offsets, or decode ids, with the 4M text tokenizer";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args, new HashSet<string> { "skip-special" });
        var tokenizer = cl.Get("tokenizer") is { } file ? TextTokenizer.FromFile(file) : TextTokenizer.Default;
        if (cl.Has("decode"))
        {
            var ids = cl.GetIntList("decode", []);
            Console.WriteLine(tokenizer.Decode(ids.ToArray(), cl.Has("skip-special")));
            return Task.FromResult(0);
        }
        if (cl.Positional.Count != 1) throw new UsageException("expected one text argument (quote it) or --decode");
        string text = cl.Positional[0];
        var encoding = tokenizer.Encode(text);
        Console.WriteLine($"ids: [{string.Join(", ", encoding.Ids)}]");
        for (int i = 0; i < encoding.Count; i++)
        {
            var o = encoding.Offsets[i];
            Console.WriteLine($"{encoding.Ids[i],6}  {encoding.Tokens[i],-20} [{o.Start}, {o.End}) {text[o.Start..o.End]}");
        }
        Console.WriteLine($"decode: {tokenizer.Decode(encoding.Ids)}");
        return Task.FromResult(0);
    }
}
