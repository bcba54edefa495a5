using DKube.Abstractions.Tenancy;
using DKube.Abstractions.Pools;
using DKube.Api.Limits;

namespace DKube.Api.Contracts;

/// <summary>GET /me.</summary>
/// <remarks>
/// <c>Limits</c> (rates) is null for the operator, who is not limited. <c>Quotas</c> lists each of the
/// caller's groups' object quotas with their current use (the caller's own for <c>queued-per-user</c>).
/// </remarks>
public sealed record MeView(string Name, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, CallerLimits? Limits, IReadOnlyList<QuotaUse> Quotas);
