namespace DKube.Api.Contracts;

/// <summary>POST /experiments.</summary>
public sealed record CreateExperimentRequest(string? Name, string? Group, string? Project, string? Description);
