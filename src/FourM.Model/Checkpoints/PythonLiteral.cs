using System.Globalization;
using System.Text;

namespace FourM.Model.Checkpoints;

/// <summary>
/// Parses the Python-literal strings the reference stores as safetensors metadata (<c>"['rgb@224', 'caption']"</c>,
/// <c>"False"</c>, <c>"4.0"</c>, <c>"None"</c>). Results are null, bool, long, double, string, <c>List&lt;object?&gt;</c>
/// (lists and tuples) or <c>Dictionary&lt;string, object?&gt;</c>. Text that is not a literal (a bare word such as
/// <c>SiLU</c>) stays a string, matching the reference's YAML fallback.
/// </summary>
public static class PythonLiteral
{
    public static object? Parse(string text)
    {
        var parser = new Parser(text);
        try
        {
            var value = parser.ParseValue();
            parser.SkipWhitespace();
            return parser.AtEnd ? value : text.Trim();
        }
        catch (FormatException)
        {
            return text.Trim();
        }
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public bool AtEnd => _position >= text.Length;

        public void SkipWhitespace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_position])) _position++;
        }

        public object? ParseValue()
        {
            SkipWhitespace();
            if (AtEnd) throw new FormatException("unexpected end");
            var c = text[_position];
            return c switch
            {
                '[' => ParseSequence(']'),
                '(' => ParseSequence(')'),
                '{' => ParseDictionary(),
                '\'' or '"' => ParseString(c),
                _ => ParseAtom(),
            };
        }

        private List<object?> ParseSequence(char close)
        {
            _position++;
            var items = new List<object?>();
            while (true)
            {
                SkipWhitespace();
                if (AtEnd) throw new FormatException("unterminated sequence");
                if (text[_position] == close) { _position++; return items; }
                items.Add(ParseValue());
                SkipWhitespace();
                if (AtEnd) throw new FormatException("unterminated sequence");
                if (text[_position] == ',') _position++;
                else if (text[_position] != close) throw new FormatException("expected ',' or closing bracket");
            }
        }

        private Dictionary<string, object?> ParseDictionary()
        {
            _position++;
            var items = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                SkipWhitespace();
                if (AtEnd) throw new FormatException("unterminated dict");
                if (text[_position] == '}') { _position++; return items; }
                var key = ParseValue();
                SkipWhitespace();
                if (AtEnd || text[_position] != ':') throw new FormatException("expected ':'");
                _position++;
                items[Convert.ToString(key, CultureInfo.InvariantCulture) ?? "None"] = ParseValue();
                SkipWhitespace();
                if (AtEnd) throw new FormatException("unterminated dict");
                if (text[_position] == ',') _position++;
                else if (text[_position] != '}') throw new FormatException("expected ',' or '}'");
            }
        }

        private string ParseString(char quote)
        {
            _position++;
            var builder = new StringBuilder();
            while (!AtEnd)
            {
                var c = text[_position++];
                if (c == quote) return builder.ToString();
                if (c != '\\') { builder.Append(c); continue; }
                if (AtEnd) break;
                var escaped = text[_position++];
                builder.Append(escaped switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    _ => escaped,
                });
            }
            throw new FormatException("unterminated string");
        }

        private object? ParseAtom()
        {
            var start = _position;
            while (!AtEnd && text[_position] is not (',' or ']' or ')' or '}' or ':') && !char.IsWhiteSpace(text[_position])) _position++;
            var atom = text[start.._position];
            if (atom.Length == 0) throw new FormatException("empty value");
            switch (atom)
            {
                case "None" or "null": return null;
                case "True" or "true": return true;
                case "False" or "false": return false;
            }
            if (long.TryParse(atom, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)) return integer;
            if (double.TryParse(atom, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return real;
            return atom switch
            {
                "inf" => double.PositiveInfinity,
                "-inf" => double.NegativeInfinity,
                "nan" => double.NaN,
                _ => atom,
            };
        }
    }
}
