using System.Text.Json;

namespace DKube.Api.Contracts;

/// <summary>Run parameters as the grains take them: text, as a command line sees a value (strings bare, everything else as JSON).</summary>
public static class PipelineParameters
{
    public static IReadOnlyDictionary<string, string> AsText(Dictionary<string, JsonElement>? parameters) =>
        (parameters ?? []).ToDictionary(
            p => p.Key,
            p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(),
            StringComparer.Ordinal);
}
