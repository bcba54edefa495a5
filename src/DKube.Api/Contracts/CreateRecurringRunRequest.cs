using System.Text.Json;

namespace DKube.Api.Contracts;

/// <summary>POST /recurring-runs.</summary>
public sealed record CreateRecurringRunRequest(
    string? Name,
    string? Pipeline,
    string? Version,
    string? Experiment,
    Dictionary<string, JsonElement>? Parameters,
    TriggerRequest? Trigger,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    int? MaxConcurrency,
    bool? NoCatchup,
    bool? Enabled,
    string? Group,
    string? Cluster);
