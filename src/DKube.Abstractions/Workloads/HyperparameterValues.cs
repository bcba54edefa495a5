using System.Text.Json;

namespace DKube.Abstractions.Workloads;

/// <summary>
/// The two forms of a workload's hyperparameters: text per name (environment variables, lineage)
/// and the typed JSON object (the API's answers, the run's hyperparameters file).
/// </summary>
public static class HyperparameterValues
{
    /// <summary>How a JSON value is given to a process as text: a string as itself, a number or boolean as written.</summary>
    public static string? TextOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => null,
    };

    /// <summary>
    /// The hyperparameters as a typed JSON object. <see cref="WorkloadSpec.Hyperparameters"/> decides
    /// which names and values there are; <see cref="WorkloadSpec.HyperparametersJson"/> only lends its
    /// type to a value whose text it agrees with. So a spec stored before types were kept, or one
    /// whose text form was replaced without the JSON, answers strings rather than stale values.
    /// </summary>
    public static string TypedJson(WorkloadSpec spec)
    {
        Dictionary<string, JsonElement>? typed = null;
        if (spec.HyperparametersJson is { } json)
        {
            try
            {
                typed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json);
            }
            catch (JsonException)
            {
                // Unreadable: the text form alone is still right.
            }
        }

        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, text) in spec.Hyperparameters)
        {
            values[name] = typed is not null && typed.TryGetValue(name, out var value) && TextOf(value) == text
                ? value
                : JsonSerializer.SerializeToElement(text);
        }

        return JsonOf(values);
    }

    /// <summary>The typed JSON object of <paramref name="values"/> (scalars only, as the API accepts them).</summary>
    public static string JsonOf(IReadOnlyDictionary<string, JsonElement> values) => JsonSerializer.Serialize(values);
}
