using System.Globalization;
using System.Text;

namespace DeepCnn.Mnist.Npz;

/// <summary>
/// The dictionary at the start of a <c>.npy</c> file, e.g.
/// <c>{'descr': '|u1', 'fortran_order': False, 'shape': (60000, 28, 28), }</c>.
/// </summary>
/// <remarks>
/// NumPy writes it as a Python literal. Rather than evaluate Python, this parses exactly the
/// subset NumPy produces (strings, True/False, tuples of integers) and rejects everything else.
/// </remarks>
internal sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape)
{
    /// <summary>Parses the header text; <paramref name="fileName"/> names the file in errors.</summary>
    internal static NpyHeader Parse(string text, string fileName) => new Parser(text, fileName).ParseDictionary();

    private sealed class Parser(string text, string fileName)
    {
        private int _position;

        internal NpyHeader ParseDictionary()
        {
            string? descr = null;
            bool? fortranOrder = null;
            int[]? shape = null;
            Expect('{');
            while (!TryConsume('}'))
            {
                var key = ParseString();
                Expect(':');
                switch (key)
                {
                    case "descr" when descr is null:
                        descr = ParseString();
                        break;
                    case "fortran_order" when fortranOrder is null:
                        fortranOrder = ParseBoolean();
                        break;
                    case "shape" when shape is null:
                        shape = ParseShape();
                        break;
                    default:
                        throw Invalid($"unexpected or repeated key '{key}'");
                }

                if (!TryConsume(','))
                {
                    Expect('}');
                    break;
                }
            }

            SkipWhitespace();
            if (_position != text.Length)
            {
                throw Invalid($"unexpected text after the dictionary at offset {_position}");
            }

            if (descr is null || fortranOrder is null || shape is null)
            {
                throw Invalid("the dictionary must have the keys 'descr', 'fortran_order' and 'shape'");
            }

            return new NpyHeader(descr, fortranOrder.Value, shape);
        }

        private string ParseString()
        {
            SkipWhitespace();
            if (Peek() is not (char quote and ('\'' or '"')))
            {
                throw Invalid($"expected a string at offset {_position}");
            }

            var end = text.IndexOf(quote, _position + 1);
            if (end < 0)
            {
                throw Invalid($"unterminated string at offset {_position}");
            }

            var value = text[(_position + 1)..end];
            _position = end + 1;
            return value;
        }

        private bool ParseBoolean()
        {
            SkipWhitespace();
            if (TryConsumeWord("True"))
            {
                return true;
            }

            if (TryConsumeWord("False"))
            {
                return false;
            }

            throw Invalid($"expected True or False at offset {_position}");
        }

        private int[] ParseShape()
        {
            Expect('(');
            var lengths = new List<int>();
            var trailingComma = false;
            while (!TryConsume(')'))
            {
                lengths.Add(ParseLength());
                trailingComma = TryConsume(',');
                if (!trailingComma)
                {
                    Expect(')');
                    break;
                }
            }

            // In Python "(5)" is the number 5, not a tuple: a one-element tuple needs its comma.
            if (lengths.Count == 1 && !trailingComma)
            {
                throw Invalid("'shape' is not a tuple");
            }

            return [.. lengths];
        }

        private int ParseLength()
        {
            SkipWhitespace();
            var start = _position;
            while (_position < text.Length && char.IsAsciiDigit(text[_position]))
            {
                _position++;
            }

            var digits = text[start.._position];
            // Python 2 wrote long integers with an L suffix; old .npy files still carry it.
            TryConsumeWord("L");
            if (digits.Length == 0 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw Invalid($"expected an axis length of at most {int.MaxValue} at offset {start}");
            }

            return length;
        }

        private void Expect(char expected)
        {
            if (!TryConsume(expected))
            {
                throw Invalid($"expected '{expected}' at offset {_position}");
            }
        }

        private bool TryConsume(char expected)
        {
            SkipWhitespace();
            if (Peek() != expected)
            {
                return false;
            }

            _position++;
            return true;
        }

        private bool TryConsumeWord(string word)
        {
            if (string.CompareOrdinal(text, _position, word, 0, word.Length) != 0)
            {
                return false;
            }

            _position += word.Length;
            return true;
        }

        private char? Peek() => _position < text.Length ? text[_position] : null;

        private void SkipWhitespace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private DataFormatException Invalid(string problem) =>
            new(fileName, $"invalid .npy header: {problem} in {Quote(text)}");

        // The header comes from an untrusted file: show it escaped and bounded.
        private static string Quote(string header)
        {
            var shown = header.Length > 200 ? header[..200] + "..." : header;
            var builder = new StringBuilder("\"");
            foreach (var c in shown)
            {
                builder.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\x{(int)c:X2}");
            }

            return builder.Append('"').ToString();
        }
    }
}
