namespace DKube.Api.Contracts;

/// <summary>Health's schedule (0: only on evaluate).</summary>
public sealed record MonitorHealthRequest(int? EveryMinutes);
