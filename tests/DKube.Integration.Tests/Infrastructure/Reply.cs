using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>An HTTP answer with its JSON, for assertions.</summary>
public sealed record Reply(HttpStatusCode Status, string? ContentType, string Text)
{
    /// <summary>The <c>Retry-After</c> header, when the answer has one.</summary>
    public string? RetryAfter { get; init; }

    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("Empty body.");

    public string this[string property] => Json[property]?.ToString() ?? throw new KeyNotFoundException($"No '{property}' in {Text}");

    public JsonArray Items => Json["items"]!.AsArray();

    public Reply Expect(HttpStatusCode status)
    {
        Assert.True(status == Status, $"Expected {(int)status} but got {(int)Status}: {Text}");
        return this;
    }

    /// <summary>Asserts a problem-details answer with <paramref name="status"/>.</summary>
    public Reply ExpectProblem(HttpStatusCode status)
    {
        Expect(status);
        Assert.Equal("application/problem+json", ContentType);
        Assert.Equal((int)status, Json["status"]!.GetValue<int>());
        Assert.StartsWith("https://dkube.io/problems/", Json["type"]?.ToString() ?? "", StringComparison.Ordinal);
        return this;
    }

    public override string ToString() => $"{(int)Status} {Text}";
}
