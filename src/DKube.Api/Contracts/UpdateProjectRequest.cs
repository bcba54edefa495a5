using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>PATCH /projects/{id}.</summary>
public sealed record UpdateProjectRequest(string? Description, bool? Leaderboard);
