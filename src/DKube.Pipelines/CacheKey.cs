using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace DKube.Pipelines;

/// <summary>
/// The key under which a task's outputs are reused: the executor (image, command, args, env)
/// and the input values and artifact URIs, hashed from a canonical JSON form so that the order
/// of keys in the YAML does not change it.
/// </summary>
public static class CacheKey
{
    public static string Of(ContainerSpec container, IReadOnlyDictionary<string, JsonNode?> parameters, IReadOnlyDictionary<string, string> artifactUris)
    {
        var canonical = new JsonObject
        {
            ["image"] = container.Image,
            ["command"] = new JsonArray([.. container.Command.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["args"] = new JsonArray([.. container.Args.Select(c => (JsonNode)JsonValue.Create(c))]),
            ["env"] = Sorted(container.Env.ToDictionary(e => e.Key, e => (JsonNode?)JsonValue.Create(e.Value))),
            ["parameters"] = Sorted(parameters),
            ["artifacts"] = Sorted(artifactUris.ToDictionary(a => a.Key, a => (JsonNode?)JsonValue.Create(a.Value))),
        };
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToJsonString()));
        return Convert.ToHexStringLower(hash);
    }

    private static JsonObject Sorted(IReadOnlyDictionary<string, JsonNode?> values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            result[key] = Canonical(value);
        }

        return result;
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => Sorted(obj.ToDictionary(p => p.Key, p => p.Value)),
        JsonArray array => new JsonArray([.. array.Select(Canonical)]),
        _ => node?.DeepClone(),
    };
}
