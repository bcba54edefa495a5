using System.Text.Json;

namespace DKube.Api.Contracts;

/// <summary>POST /pipeline-runs: a run of a pipeline version (the latest when no <c>version</c>) with its parameters as JSON values.</summary>
public sealed record CreatePipelineRunRequest(
    string? Name,
    string? Pipeline,
    string? Version,
    string? Experiment,
    Dictionary<string, JsonElement>? Parameters,
    string? Group,
    string? Cluster);
