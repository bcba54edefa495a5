using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DKube.Integration.Tests.Infrastructure;

public static class JsonNodeExtensions
{
    public static IEnumerable<string> Strings(this JsonArray array, string property) =>
        array.Select(item => item![property]!.GetValue<string>());

    public static JsonElement ToElement(this JsonNode node) => JsonSerializer.SerializeToElement(node);
}
