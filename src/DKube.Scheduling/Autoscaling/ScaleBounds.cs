namespace DKube.Scheduling.Autoscaling;

/// <summary>What a deployment allows: replicas between min and max, each targeted at <see cref="TargetConcurrency"/> requests at once.</summary>
public sealed record ScaleBounds(int MinReplicas, int MaxReplicas, double TargetConcurrency);
