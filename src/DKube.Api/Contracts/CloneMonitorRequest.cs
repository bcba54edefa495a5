namespace DKube.Api.Contracts;

/// <summary>POST /monitors/{id}/clone: the same monitor, optionally on another deployment or under another name.</summary>
public sealed record CloneMonitorRequest(string? Deployment, string? Name);
