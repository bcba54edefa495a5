using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>GET /me.</summary>
public sealed record MeView(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups);
