namespace DKube.Scheduling;

/// <summary>
/// A request its group's pool admitted (quota granted) that waits for room on the cluster: the
/// shape it needs, the group it counts against and when it started waiting (its age counts from here).
/// </summary>
public sealed record ClusterWaiter(GpuRequest Request, string Group, DateTimeOffset EnqueuedAt);
