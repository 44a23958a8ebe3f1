using System.Text;

namespace FourM.Tokenizers.Text.Codecs;

/// <summary>
/// The 4M-21 <c>color_palette</c> format (<c>ColorPaletteTransform.convert_palettes_to_string</c>,
/// <c>visualize_palettes_multi</c>): <c>v1=&lt;number of colours&gt;</c> then <c>v0=R v0=G v0=B</c> per colour.
/// 4M was trained with 1 to 7 colours.
/// </summary>
public static class ColorPaletteCodec
{
    public const string Modality = "color_palette";
    public const int MaxTrainedColors = 7;

    public static string Encode(IReadOnlyList<PaletteColor> colors)
    {
        ArgumentNullException.ThrowIfNull(colors);
        if (colors.Count is 0 or > CoordinateToken.MaxBin)
            throw new ArgumentException($"a palette needs 1..{CoordinateToken.MaxBin} colours (4M was trained with 1..{MaxTrainedColors}), got {colors.Count}");
        var text = new StringBuilder().Append(new CoordinateToken(1, colors.Count));
        foreach (var c in colors)
            text.Append(' ').Append(new CoordinateToken(0, c.R)).Append(' ').Append(new CoordinateToken(0, c.G))
                .Append(' ').Append(new CoordinateToken(0, c.B));
        return text.ToString();
    }

    /// <summary>Strict: v1=k followed by exactly 3k channel values, each v0=0..255.</summary>
    public static IReadOnlyList<PaletteColor> Decode(string text)
    {
        var words = SequenceWords.Split(text, Modality);
        if (words.Count == 0) throw new SequenceFormatException(Modality, "empty palette; expected v1=<colour count> first");
        int count = CoordinateToken.ParseBin(words[0], 1, Modality, "colour count");
        if (count == 0) throw new SequenceFormatException(Modality, "colour count v1=0; a palette has at least one colour");
        if (words.Count - 1 != 3 * count)
            throw new SequenceFormatException(Modality, $"v1={count} announces {count} colours ({3 * count} channel values), found {words.Count - 1} values");
        var colors = new PaletteColor[count];
        for (int k = 0; k < count; k++)
            colors[k] = new PaletteColor(Channel(words, 1 + 3 * k, k, "R"), Channel(words, 2 + 3 * k, k, "G"), Channel(words, 3 + 3 * k, k, "B"));
        return colors;
    }

    private static byte Channel(List<string> words, int index, int color, string channel)
    {
        string where = $"colour {color} {channel}";
        int bin = CoordinateToken.ParseBin(words[index], 0, Modality, where);
        if (bin > 255) throw new SequenceFormatException(Modality, $"{where}: {bin} is outside 0..255");
        return (byte)bin;
    }
}
