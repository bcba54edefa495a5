using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>POST /users answer: the token is shown once.</summary>
public sealed record CreatedUser(string Name, IReadOnlyList<string> Roles, string Token);
