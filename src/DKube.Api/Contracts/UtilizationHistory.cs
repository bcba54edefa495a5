namespace DKube.Api.Contracts;

/// <summary><c>GET /utilization/history</c>: each visible group's totals, one averaged point per step (points only where samples were).</summary>
public sealed record UtilizationHistory(int WindowSeconds, int StepSeconds, IReadOnlyList<GroupHistory> Groups);
