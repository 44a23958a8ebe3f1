using System.Diagnostics;
using System.Globalization;
using FourM.Tokenizers.Text;
using FourM.Tokenizers.Text.Verification;

namespace FourM.Cli.Commands;

/// <summary>
/// Measures single-threaded text-tokenizer throughput on a case corpus repeated to at least --min-tokens tokens:
/// encode (ids only), encode with tokens and offsets, and decode; each the median of --runs timed passes.
/// </summary>
public sealed class BenchTokenizerCommand : ICliCommand
{
    public IReadOnlyList<string> Path => ["bench", "tokenizer"];
    public string Usage => "bench tokenizer [<cases.json> | --golden-dir D] [--runs 7] [--min-tokens 1000000] [--tokenizer FILE]";
    public string Summary => "text tokenizer encode/decode tokens per second on one thread (median of runs)";

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var cl = new CommandLine(args);
        string casesPath = cl.Positional.Count switch
        {
            0 => System.IO.Path.Combine(cl.Get("golden-dir") ?? throw new UsageException("give a case file or --golden-dir"), "text_tokenizer_cases.json"),
            1 => cl.Positional[0],
            _ => throw new UsageException("expected at most one case file"),
        };
        if (!File.Exists(casesPath)) throw new UsageException($"case file not found: {casesPath}");
        int runs = cl.GetInt("runs", 7);
        int minTokens = cl.GetInt("min-tokens", 1_000_000);
        if (runs < 1 || minTokens < 1) throw new UsageException("--runs and --min-tokens must be positive");

        var cases = TextTokenizerCaseFile.Load(casesPath);
        string tokenizerPath = cl.Get("tokenizer") ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(casesPath))!, cases.TokenizerFile);
        var tokenizer = File.Exists(tokenizerPath) ? TextTokenizer.FromFile(tokenizerPath) : TextTokenizer.Default;
        string tokenizerName = File.Exists(tokenizerPath) ? tokenizerPath : "embedded default";

        var texts = cases.Cases.Select(c => c.Text).ToArray();
        int tokensPerPass = texts.Sum(t => tokenizer.EncodeIds(t).Length);
        if (tokensPerPass == 0) throw new UsageException("the corpus encodes to no tokens");
        int repeats = (minTokens + tokensPerPass - 1) / tokensPerPass;
        var corpus = Enumerable.Range(0, repeats).SelectMany(_ => texts).ToArray();
        long totalTokens = (long)tokensPerPass * repeats;
        long totalChars = corpus.Sum(t => (long)t.Length);
        var encoded = corpus.Select(tokenizer.EncodeIds).ToArray();

        Console.WriteLine($"tokenizer: {tokenizerName}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
                          $"load average {LoadAverage()}");
        Console.WriteLine($"corpus: {System.IO.Path.GetFileName(casesPath)}, {texts.Length} strings, {tokensPerPass} tokens, " +
                          $"repeated {repeats}x = {totalTokens:N0} tokens, {totalChars:N0} chars; {runs} runs, median; 1 thread");

        Report("encode (ids)", totalTokens, totalChars, Measure(runs, cancellationToken, () =>
        {
            long n = 0;
            foreach (var text in corpus) n += tokenizer.EncodeIds(text).Length;
            return n;
        }, totalTokens));
        Report("encode (ids+tokens+offsets)", totalTokens, totalChars, Measure(runs, cancellationToken, () =>
        {
            long n = 0;
            foreach (var text in corpus) n += tokenizer.Encode(text).Count;
            return n;
        }, totalTokens));
        Report("decode", totalTokens, totalChars, Measure(runs, cancellationToken, () =>
        {
            long n = 0;
            foreach (var ids in encoded)
            {
                tokenizer.Decode(ids);
                n += ids.Length;
            }
            return n;
        }, totalTokens));
        Report("decode (skip special)", totalTokens, totalChars, Measure(runs, cancellationToken, () =>
        {
            long n = 0;
            foreach (var ids in encoded)
            {
                tokenizer.Decode(ids, skipSpecialTokens: true);
                n += ids.Length;
            }
            return n;
        }, totalTokens));
        return Task.FromResult(0);
    }

    /// <summary>
    /// Runs one untimed warm-up pass, then <paramref name="runs"/> timed passes; returns the median wall-clock seconds
    /// and the median CPU seconds of the process (which, unlike wall time, is not inflated when other processes compete
    /// for the cores).
    /// </summary>
    private static (double Wall, double Cpu) Measure(int runs, CancellationToken cancellationToken, Func<long> pass, long expectedTokens)
    {
        if (pass() != expectedTokens) throw new InvalidOperationException("token count changed between passes");
        var wall = new List<double>(runs);
        var cpu = new List<double>(runs);
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < runs; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            long tokens = pass();
            watch.Stop();
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
            if (tokens != expectedTokens) throw new InvalidOperationException("token count changed between passes");
            wall.Add(watch.Elapsed.TotalSeconds);
        }
        return (Median(wall), Median(cpu));
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static void Report(string what, long tokens, long chars, (double Wall, double Cpu) seconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-28} {tokens / seconds.Wall / 1e6,7:F2} M tokens/s  {chars / seconds.Wall / 1e6,7:F1} M chars/s  " +
            $"({seconds.Wall * 1e3:F0} ms per pass; per CPU-second {tokens / seconds.Cpu / 1e6:F2} M tokens/s)"));
}
