namespace DKube.Scheduling;

/// <summary>
/// Plain, persistable state of a <see cref="ClusterQueue"/> besides its inventory: the waiters in
/// arrival order and the group each reservation counts against.
/// </summary>
public sealed record ClusterQueueSnapshot(IReadOnlyList<ClusterWaiter> Waiting, IReadOnlyDictionary<string, string> HolderGroups);
