using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>POST /projects.</summary>
public sealed record CreateProjectRequest(string? Name, string? Group, string? Description, bool? Leaderboard);
