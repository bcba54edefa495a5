namespace DKube.Api.Contracts;

/// <summary>A dataset or model version by name (or id) and number; the latest when no number is given.</summary>
public sealed record VersionRequest(string? Name, int? Version);
