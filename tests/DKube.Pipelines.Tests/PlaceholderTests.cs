using System.Text.Json;
using System.Text.Json.Nodes;

namespace DKube.Pipelines.Tests;

public sealed class PlaceholderTests
{
    private static readonly ExecutorInput Input = new(
        new Dictionary<string, JsonNode?> { ["text"] = "hi there", ["n"] = 3, ["pi"] = 3.5, ["list"] = new JsonArray("a", "b") },
        new Dictionary<string, ArtifactLocation> { ["in"] = new("in", "system.Dataset", "/w/in/data", "dkube://datasets/d/1") },
        new Dictionary<string, string> { ["y"] = "/w/out/y" },
        new Dictionary<string, ArtifactLocation> { ["model"] = new("model", "system.Model", "/w/out/model", "dkube://models/m/1") },
        "/w/executor_output.json");

    [Theory]
    [InlineData("{{$.inputs.parameters['text']}}", "hi there")]
    [InlineData("n={{$.inputs.parameters['n']}} pi={{$.inputs.parameters['pi']}}", "n=3 pi=3.5")]
    [InlineData("{{$.inputs.parameters['list']}}", "[\"a\",\"b\"]")]
    [InlineData("{{$.inputs.artifacts['in'].path}}", "/w/in/data")]
    [InlineData("{{$.inputs.artifacts['in'].uri}}", "dkube://datasets/d/1")]
    [InlineData("{{$.outputs.parameters['y'].output_file}}", "/w/out/y")]
    [InlineData("{{$.outputs.artifacts['model'].path}}", "/w/out/model")]
    [InlineData("{{$.outputs.output_file}}", "/w/executor_output.json")]
    [InlineData("plain", "plain")]
    public void PlaceholdersResolve(string text, string expected) => Assert.Equal(expected, Placeholders.Resolve(text, Input));

    [Fact]
    public void TheExecutorInputIsKfpJson()
    {
        var json = JsonNode.Parse(Placeholders.Resolve("{{$}}", Input))!;

        Assert.Equal("hi there", json["inputs"]!["parameterValues"]!["text"]!.GetValue<string>());
        Assert.Equal("dkube://datasets/d/1", json["inputs"]!["artifacts"]!["in"]!["artifacts"]![0]!["uri"]!.GetValue<string>());
        Assert.Equal("/w/out/y", json["outputs"]!["parameters"]!["y"]!["outputFile"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.String, json["outputs"]!["outputFile"]!.GetValueKind());
    }

    [Fact]
    public void AnUnknownPlaceholderSaysWhich()
    {
        var error = Assert.Throws<PipelineSpecException>(() => Placeholders.Resolve("{{$.inputs.parameters['nope']}}", Input));

        Assert.Contains("'nope'", Assert.Single(error.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AConstantWithAPlaceholderTakesTheParameter() =>
        Assert.Equal(
            "heads and 7 > 5!",
            Placeholders.ResolveParameters("heads and {{$.inputs.parameters['r']}} > 5!", new Dictionary<string, JsonNode?> { ["r"] = 7 }));

    [Fact]
    public void TheCacheKeyDependsOnInputsNotOnTheirOrder()
    {
        var container = new ContainerSpec("alpine", ["echo"], ["{{$.inputs.parameters['a']}}"], new Dictionary<string, string>());
        var first = CacheKey.Of(container, new Dictionary<string, JsonNode?> { ["a"] = "1", ["b"] = new JsonObject { ["x"] = 1, ["y"] = 2 } }, new Dictionary<string, string>());
        var reordered = CacheKey.Of(container, new Dictionary<string, JsonNode?> { ["b"] = new JsonObject { ["y"] = 2, ["x"] = 1 }, ["a"] = "1" }, new Dictionary<string, string>());
        var other = CacheKey.Of(container, new Dictionary<string, JsonNode?> { ["a"] = "2", ["b"] = new JsonObject { ["x"] = 1, ["y"] = 2 } }, new Dictionary<string, string>());

        Assert.Equal(first, reordered);
        Assert.NotEqual(first, other);
    }
}
