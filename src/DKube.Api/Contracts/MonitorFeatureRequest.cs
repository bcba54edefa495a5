namespace DKube.Api.Contracts;

/// <summary>An edit of the inferred schema: <c>kind</c> categorical or continuous, <c>use</c> false to leave a column out.</summary>
public sealed record MonitorFeatureRequest(string? Name, string? Kind, bool? Use);
