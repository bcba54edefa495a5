namespace DKube.Scheduling;

/// <summary>GPUs a cluster has set aside for one request.</summary>
public sealed record Reservation(string RequestId, Placement Placement);
