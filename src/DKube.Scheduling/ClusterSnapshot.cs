namespace DKube.Scheduling;

/// <summary>Plain, persistable state of a <see cref="ClusterInventory"/>.</summary>
public sealed record ClusterSnapshot(string Name, IReadOnlyList<NodeSpec> Nodes, IReadOnlyList<Reservation> Reservations);
