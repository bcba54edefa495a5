using DKube.Abstractions.Live;

namespace DKube.Api.Contracts;

/// <summary><c>GET /utilization</c>: per user over the visible groups, and each visible group's pool.</summary>
public sealed record UtilizationAnswer(DateTimeOffset At, IReadOnlyList<UserUtilization> Users, IReadOnlyList<GroupUse> Groups);
