using Orleans.Placement;

namespace DKube.Grains.Affinity;

/// <summary>Marks a grain keyed by a cluster name to be placed with <see cref="ClusterAffinePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ClusterAffinePlacementAttribute() : PlacementAttribute(ClusterAffinePlacement.Instance);
