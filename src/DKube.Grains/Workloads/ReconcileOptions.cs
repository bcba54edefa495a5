namespace DKube.Grains.Workloads;

/// <summary>How often the reconciler sweeps, which is also how long a workload may sit in a transitional state before it is swept.</summary>
public sealed record ReconcileOptions(TimeSpan Period);
