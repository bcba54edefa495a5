using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DKube.Pipelines;

/// <summary>
/// Resolves KFP's placeholders in a container's command and args (and in constants):
/// <c>{{$.inputs.parameters['x']}}</c>, <c>{{$.inputs.artifacts['a'].path|uri}}</c>,
/// <c>{{$.outputs.parameters['y'].output_file}}</c>, <c>{{$.outputs.artifacts['a'].path|uri}}</c>,
/// <c>{{$.outputs.output_file}}</c> and <c>{{$}}</c> (the executor input JSON).
/// </summary>
public static partial class Placeholders
{
    [GeneratedRegex(@"\{\{\$(?<path>[^}]*)\}\}")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^\.(?<side>inputs|outputs)\.(?<kind>parameters|artifacts)\[['""](?<name>[^'""]+)['""]\](?:\.(?<field>[a-z_]+))?$")]
    private static partial Regex Reference();

    public static IReadOnlyList<string> Resolve(IEnumerable<string> values, ExecutorInput input) =>
        [.. values.Select(v => Resolve(v, input))];

    /// <summary>The text with every placeholder replaced; throws <see cref="PipelineSpecException"/> for unknown ones.</summary>
    public static string Resolve(string text, ExecutorInput input) =>
        Pattern().Replace(text, match => Value(match.Groups["path"].Value, input));

    /// <summary>Replaces only <c>{{$.inputs.parameters[...]}}</c> (what a constant may hold).</summary>
    public static string ResolveParameters(string text, IReadOnlyDictionary<string, JsonNode?> parameters) =>
        Pattern().Replace(text, match =>
        {
            var reference = Reference().Match(match.Groups["path"].Value);
            return reference.Success && reference.Groups["side"].Value == "inputs" && reference.Groups["kind"].Value == "parameters"
                && parameters.TryGetValue(reference.Groups["name"].Value, out var value)
                ? AsText(value)
                : match.Value;
        });

    /// <summary>A parameter as a command line sees it: strings bare, everything else as JSON.</summary>
    public static string AsText(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && !v.TryGetValue<long>(out _) =>
            d.ToString("R", CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    private static string Value(string path, ExecutorInput input)
    {
        if (path.Length == 0)
        {
            return input.ToJson();
        }

        if (path == ".outputs.output_file")
        {
            return input.OutputFile;
        }

        var match = Reference().Match(path);
        if (!match.Success)
        {
            throw Unknown(path, "is not a placeholder this server resolves");
        }

        var name = match.Groups["name"].Value;
        var field = match.Groups["field"].Success ? match.Groups["field"].Value : null;
        return (match.Groups["side"].Value, match.Groups["kind"].Value, field) switch
        {
            ("inputs", "parameters", null) => input.Parameters.TryGetValue(name, out var value)
                ? AsText(value)
                : throw Unknown(path, $"input parameter '{name}' has no value"),
            ("outputs", "parameters", "output_file") => input.OutputParameterFiles.TryGetValue(name, out var file)
                ? file
                : throw Unknown(path, $"output parameter '{name}' is not declared"),
            ("inputs", "artifacts", var f) => Artifact(input.InputArtifacts, name, f, path),
            ("outputs", "artifacts", var f) => Artifact(input.OutputArtifacts, name, f, path),
            _ => throw Unknown(path, "is not a placeholder this server resolves"),
        };
    }

    private static string Artifact(IReadOnlyDictionary<string, ArtifactLocation> artifacts, string name, string? field, string path)
    {
        if (!artifacts.TryGetValue(name, out var artifact))
        {
            throw Unknown(path, $"artifact '{name}' is not available");
        }

        return field switch
        {
            "path" => artifact.Path,
            "uri" => artifact.Uri,
            "metadata" => "{}",
            _ => throw Unknown(path, $"artifact field '{field}' is not one of path, uri, metadata"),
        };
    }

    private static PipelineSpecException Unknown(string path, string message) =>
        new([new PipelineProblem(new StringBuilder("{{$").Append(path).Append("}}").ToString(), message)]);
}
