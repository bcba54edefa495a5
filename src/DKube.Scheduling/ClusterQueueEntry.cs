namespace DKube.Scheduling;

/// <summary>A waiting request as shown to users, with its 1-based position in the cluster's fair order.</summary>
public sealed record ClusterQueueEntry(ClusterWaiter Waiter, int Position);
