using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>POST /users. Roles default to data-scientist.</summary>
public sealed record CreateUserRequest(string? Name, IReadOnlyList<string>? Roles);

/// <summary>POST /users answer: the token is shown once.</summary>
public sealed record CreatedUser(string Name, IReadOnlyList<string> Roles, string Token);

/// <summary>POST /groups.</summary>
public sealed record CreateGroupRequest(string? Name, int? Gpus, IReadOnlyList<string>? Clusters, QueuePolicy? QueuePolicy, int? MaxHeadAgeMinutes);

/// <summary>PUT /groups/{group}.</summary>
public sealed record ResizeGroupRequest(int? Gpus, QueuePolicy? QueuePolicy, int? MaxHeadAgeMinutes);

/// <summary>GET /me.</summary>
public sealed record MeView(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);

/// <summary>POST /projects.</summary>
public sealed record CreateProjectRequest(string? Name, string? Group, string? Description, bool? Leaderboard);

/// <summary>PATCH /projects/{id}.</summary>
public sealed record UpdateProjectRequest(string? Description, bool? Leaderboard);

/// <summary>POST /users/{name}/token answer.</summary>
public sealed record RotatedToken(string Name, string Token);
