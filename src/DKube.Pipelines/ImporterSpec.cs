using System.Text.Json.Nodes;

namespace DKube.Pipelines;

/// <summary>An importer executor: the artifact at a constant URI or at one given by a parameter.</summary>
public sealed record ImporterSpec(JsonNode? ConstantUri, string? RuntimeParameter, string SchemaTitle, bool Reimport);
