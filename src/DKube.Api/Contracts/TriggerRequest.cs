namespace DKube.Api.Contracts;

/// <summary>A recurring run's trigger: a cron expression (six fields with seconds, or five) or an interval.</summary>
public sealed record TriggerRequest(string? Cron, long? IntervalSeconds);
