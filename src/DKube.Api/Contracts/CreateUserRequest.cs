using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>POST /users. Roles default to data-scientist.</summary>
public sealed record CreateUserRequest(string? Name, IReadOnlyList<string>? Roles);
