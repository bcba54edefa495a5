using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DKube.Pipelines;

/// <summary>
/// How a container task becomes one shell command, and how parameter values cross between tasks.
/// Values travel as text (what a command line and an output file hold) and are typed by the KFP
/// type declared where they are used. Paths inside the task's own folders are not known when the
/// command is made (the executor picks them), so they are written with <see cref="WorkDir"/> and
/// <see cref="OutputDir"/> and become the run's <c>$DKUBE_WORK_DIR</c> and <c>$DKUBE_OUTPUT_DIR</c>.
/// </summary>
public static partial class TaskLaunch
{
    /// <summary>Stands for the task's working folder in a resolved placeholder (plain ASCII: JSON keeps it as is).</summary>
    public const string WorkDir = "@@DKUBE_WORK_DIR@@";

    /// <summary>Stands for the task's output folder in a resolved placeholder.</summary>
    public const string OutputDir = "@@DKUBE_OUTPUT_DIR@@";

    [GeneratedRegex(@"^parseJson\(string_value\)\[""(?<key>[^""]+)""\]$")]
    private static partial Regex JsonField();

    /// <summary>
    /// <paramref name="argv"/> (command then args, placeholders resolved) as one <c>sh</c> command:
    /// each element single-quoted, the folder marks expanded from the run's variables.
    /// </summary>
    public static string ShellCommand(IEnumerable<string> argv)
    {
        var command = new StringBuilder("exec");
        foreach (var arg in argv)
        {
            var quoted = "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
            command.Append(' ').Append(quoted
                .Replace(WorkDir, "'\"$DKUBE_WORK_DIR\"'", StringComparison.Ordinal)
                .Replace(OutputDir, "'\"$DKUBE_OUTPUT_DIR\"'", StringComparison.Ordinal));
        }

        return command.ToString();
    }

    /// <summary>
    /// A value as text, typed by its KFP <paramref name="type"/>: STRING stays text, the others are
    /// read as JSON (a number, true/false, a list, a struct), text when they are not JSON.
    /// </summary>
    public static JsonNode? Typed(string? type, string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (type is null or "STRING")
        {
            return JsonValue.Create(text);
        }

        try
        {
            return JsonNode.Parse(text.Trim());
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>What a value written to an output file stands for: the file's text, a trailing newline of <c>echo</c> dropped for non-strings.</summary>
    public static string FromOutputFile(string? type, string content) =>
        type is null or "STRING" ? content : content.Trim();

    /// <summary>
    /// KFP's <c>parameterExpressionSelector</c> applied to a value: <c>parseJson(string_value)["key"]</c>
    /// picks a field of a JSON struct. Null when there is no selector; throws
    /// <see cref="FormatException"/> for one this server does not evaluate.
    /// </summary>
    public static string? Select(string? selector, string? text)
    {
        if (selector is null || text is null)
        {
            return text;
        }

        var match = JsonField().Match(selector.Trim());
        if (!match.Success)
        {
            throw new FormatException($"the selector '{selector}' is not one this server evaluates (parseJson(string_value)[\"key\"])");
        }

        var field = (JsonNode.Parse(text) as JsonObject)?[match.Groups["key"].Value];
        return Placeholders.AsText(field);
    }

    /// <summary>The items of a ParallelFor: a JSON list given raw or as a parameter's text, each item as text.</summary>
    public static IReadOnlyList<string> Items(LoopSpec loop, string? parameterText)
    {
        var list = loop.Raw ?? (parameterText is null ? null : JsonNode.Parse(parameterText));
        return list is JsonArray array
            ? [.. array.Select(Placeholders.AsText)]
            : throw new FormatException("the loop's items are not a JSON list");
    }
}
