namespace DKube.Api.Contracts;

/// <summary>Performance's schedule (0: only on evaluate) and the metrics reported (default all of the model type's).</summary>
public sealed record MonitorPerformanceRequest(int? EveryMinutes, IReadOnlyList<string>? Metrics);
