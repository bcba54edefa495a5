namespace DKube.Abstractions.Clusters;

/// <summary>
/// Where a cluster's agent landed: the silo, the cluster that silo runs in, and whether that is a
/// fallback (no silo of the cluster was up, so its backend is reached from elsewhere).
/// </summary>
[GenerateSerializer]
[Alias("dkube.agent-placement")]
public sealed record AgentPlacement(
    [property: Id(0)] string Silo,
    [property: Id(1)] string SiloCluster,
    [property: Id(2)] bool Fallback)
{
    /// <summary>The word the cluster view shows: <c>cluster</c> (on a silo of its own) or <c>fallback</c>.</summary>
    public string Mode => Fallback ? "fallback" : "cluster";
}
