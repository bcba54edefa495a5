using DKube.Abstractions.Pools;
using DKube.Api.Limits;

namespace DKube.Api.Contracts;

/// <summary>GET /me.</summary>
/// <remarks><c>Limits</c> is null for the operator, who is not limited.</remarks>
public sealed record MeView(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, CallerLimits? Limits);
