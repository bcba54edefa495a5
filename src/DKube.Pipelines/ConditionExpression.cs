using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DKube.Pipelines;

/// <summary>
/// The CEL subset the KFP compiler writes into <c>triggerPolicy.condition</c>:
/// <c>inputs.parameter_values['x']</c>, string/number/bool literals, <c>int()</c>,
/// <c>double()</c>, <c>string()</c>, comparisons, <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>, parentheses.
/// </summary>
public sealed class ConditionExpression
{
    private readonly Func<IReadOnlyDictionary<string, JsonNode?>, object?> evaluate;

    private ConditionExpression(Func<IReadOnlyDictionary<string, JsonNode?>, object?> evaluate) => this.evaluate = evaluate;

    /// <summary>The expression, or null with <paramref name="error"/> saying why it cannot be read.</summary>
    public static ConditionExpression? TryParse(string text, out string? error)
    {
        try
        {
            var parser = new Parser(text);
            var expression = parser.ParseOr();
            parser.ExpectEnd();
            error = null;
            return new ConditionExpression(expression);
        }
        catch (FormatException e)
        {
            error = $"is not a condition this server evaluates: {e.Message}";
            return null;
        }
    }

    /// <summary>Evaluates against the task's input parameter values.</summary>
    public bool Evaluate(IReadOnlyDictionary<string, JsonNode?> parameterValues) =>
        evaluate(parameterValues) switch
        {
            bool b => b,
            var other => throw new FormatException($"the condition evaluates to {other ?? "null"}, not a boolean"),
        };

    private sealed class Parser(string text)
    {
        private int position;

        public void ExpectEnd()
        {
            SkipSpace();
            if (position < text.Length)
            {
                throw new FormatException($"unexpected '{text[position..]}' at {position}");
            }
        }

        public Func<IReadOnlyDictionary<string, JsonNode?>, object?> ParseOr()
        {
            var left = ParseAnd();
            while (Take("||"))
            {
                var l = left;
                var r = ParseAnd();
                left = v => Truth(l(v)) || Truth(r(v));
            }

            return left;
        }

        private Func<IReadOnlyDictionary<string, JsonNode?>, object?> ParseAnd()
        {
            var left = ParseComparison();
            while (Take("&&"))
            {
                var l = left;
                var r = ParseComparison();
                left = v => Truth(l(v)) && Truth(r(v));
            }

            return left;
        }

        private Func<IReadOnlyDictionary<string, JsonNode?>, object?> ParseComparison()
        {
            var left = ParseUnary();
            foreach (var op in (string[])["==", "!=", "<=", ">=", "<", ">"])
            {
                if (Take(op))
                {
                    var right = ParseUnary();
                    return v => Compare(op, left(v), right(v));
                }
            }

            return left;
        }

        private Func<IReadOnlyDictionary<string, JsonNode?>, object?> ParseUnary()
        {
            if (Take("!"))
            {
                var inner = ParseUnary();
                return v => !Truth(inner(v));
            }

            if (Take("-"))
            {
                var inner = ParseUnary();
                return v => inner(v) switch
                {
                    long l => -l,
                    double d => -d,
                    var other => throw new FormatException($"cannot negate {other}"),
                };
            }

            return ParsePrimary();
        }

        private Func<IReadOnlyDictionary<string, JsonNode?>, object?> ParsePrimary()
        {
            SkipSpace();
            if (Take("("))
            {
                var inner = ParseOr();
                Expect(")");
                return inner;
            }

            if (position < text.Length && text[position] is '\'' or '"')
            {
                var literal = ReadString();
                return _ => literal;
            }

            if (position < text.Length && char.IsDigit(text[position]))
            {
                var start = position;
                while (position < text.Length && (char.IsDigit(text[position]) || text[position] is '.' or 'e' or 'E'))
                {
                    position++;
                }

                var number = text[start..position];
                object value = long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : double.Parse(number, CultureInfo.InvariantCulture);
                return _ => value;
            }

            var identifier = ReadIdentifier();
            switch (identifier)
            {
                case "true":
                    return _ => true;
                case "false":
                    return _ => false;
                case "int" or "double" or "string" or "bool":
                    Expect("(");
                    var argument = ParseOr();
                    Expect(")");
                    return v => Convert(identifier, argument(v));
                case "inputs.parameter_values":
                    Expect("[");
                    SkipSpace();
                    var name = ReadString();
                    Expect("]");
                    return v => v.TryGetValue(name, out var node) ? FromJson(node) : throw new FormatException($"no input parameter '{name}'");
                default:
                    throw new FormatException($"unknown name '{identifier}' at {position}");
            }
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            var start = position;
            while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '.'))
            {
                position++;
            }

            return position > start ? text[start..position] : throw new FormatException($"expected a value at {position}");
        }

        private string ReadString()
        {
            var quote = text[position++];
            var start = position;
            while (position < text.Length && text[position] != quote)
            {
                position++;
            }

            if (position >= text.Length)
            {
                throw new FormatException("unterminated string");
            }

            return text[start..position++];
        }

        private bool Take(string token)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, position, token, 0, token.Length) != 0)
            {
                return false;
            }

            // "<" must not take the first half of "<=", nor "!" of "!=".
            if (token is "<" or ">" or "!" && position + 1 < text.Length && text[position + 1] == '=')
            {
                return false;
            }

            position += token.Length;
            return true;
        }

        private void Expect(string token)
        {
            if (!Take(token))
            {
                throw new FormatException($"expected '{token}' at {position}");
            }
        }

        private void SkipSpace()
        {
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                position++;
            }
        }
    }

    private static bool Truth(object? value) =>
        value as bool? ?? throw new FormatException($"{value ?? "null"} is not a boolean");

    private static object? FromJson(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => node.AsValue().TryGetValue<long>(out var l) ? l : node.GetValue<double>(),
        _ => node.ToJsonString(),
    };

    private static object? Convert(string function, object? value) => (function, value) switch
    {
        ("int", long l) => l,
        ("int", double d) => (long)d,
        ("int", string s) => long.Parse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        ("double", long l) => (double)l,
        ("double", double d) => d,
        ("double", string s) => double.Parse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture),
        ("string", string s) => s,
        ("string", bool b) => b ? "true" : "false",
        ("string", IFormattable f) => f.ToString(null, CultureInfo.InvariantCulture),
        ("bool", bool b) => b,
        ("bool", string s) => bool.Parse(s),
        _ => throw new FormatException($"cannot convert {value ?? "null"} with {function}()"),
    };

    private static bool Compare(string op, object? left, object? right)
    {
        int order;
        if (left is long or double && right is long or double)
        {
            order = System.Convert.ToDouble(left, CultureInfo.InvariantCulture).CompareTo(System.Convert.ToDouble(right, CultureInfo.InvariantCulture));
        }
        else if (left is string ls && right is string rs)
        {
            order = string.CompareOrdinal(ls, rs);
        }
        else if (op is "==" or "!=")
        {
            order = Equals(left, right) ? 0 : 1;
        }
        else
        {
            throw new FormatException($"cannot compare {left ?? "null"} {op} {right ?? "null"}");
        }

        return op switch
        {
            "==" => order == 0,
            "!=" => order != 0,
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            _ => order >= 0,
        };
    }
}
