namespace DKube.Api.Contracts;

/// <summary>A model repository (name or id) and a version; the latest when none is named.</summary>
public sealed record DeploymentModelRequest(string? Name, int? Version);
