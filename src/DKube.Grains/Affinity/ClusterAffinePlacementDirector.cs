using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace DKube.Grains.Affinity;

/// <summary>
/// Picks a silo whose published cluster equals the grain's key; preferring this silo when it is
/// one of them saves a hop. When no silo of that cluster is up, any compatible silo is chosen at
/// random, and the grain finds out itself (it compares its key with <see cref="SiloCluster"/>).
/// </summary>
public sealed class ClusterAffinePlacementDirector(ClusterSilos clusters, ILogger<ClusterAffinePlacementDirector> logger) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var cluster = target.GrainIdentity.Key.ToString();
        var silos = context.GetCompatibleSilos(target);
        var matching = silos.Where(s => clusters.ClusterOf(s) == cluster).ToArray();
        if (matching.Length == 0)
        {
            logger.LogWarning("No silo runs in cluster {Cluster}; placing {Grain} on any silo", cluster, target.GrainIdentity);
            return Task.FromResult(silos[Random.Shared.Next(silos.Length)]);
        }

        return Task.FromResult(matching.Contains(context.LocalSilo) ? context.LocalSilo : matching[Random.Shared.Next(matching.Length)]);
    }
}
