namespace DKube.Scheduling;

/// <summary>Plain, persistable state of a <see cref="GroupPool"/>; the queue is in FIFO order.</summary>
public sealed record GroupPoolSnapshot(
    int Size,
    QueuePolicy Policy,
    TimeSpan MaxHeadAge,
    IReadOnlyList<ClusterSnapshot> Clusters,
    IReadOnlyList<Admission> Running,
    IReadOnlyList<QueuedRequest> Queue);
