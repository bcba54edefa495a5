namespace DKube.Api.Contracts;

/// <summary>Drift's schedule (0: only on evaluate) and algorithm.</summary>
public sealed record MonitorDriftRequest(int? EveryMinutes, string? Algorithm);
