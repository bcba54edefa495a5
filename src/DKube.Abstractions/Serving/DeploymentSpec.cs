namespace DKube.Abstractions.Serving;

/// <summary>A deployment as asked for, fully resolved (group chosen, model version pinned, defaults applied).</summary>
[GenerateSerializer]
[Alias("dkube.deployment-spec")]
public sealed record DeploymentSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Group,
    [property: Id(2)] string? Project,
    [property: Id(3)] string? Description,
    [property: Id(4)] DeploymentModel Model,
    [property: Id(5)] ServingRuntime Serving,
    [property: Id(6)] int Gpus,
    [property: Id(7)] double? Cpus,
    [property: Id(8)] int? MemoryGiB,
    [property: Id(9)] int MinReplicas,
    [property: Id(10)] int MaxReplicas,
    [property: Id(11)] int MaxConcurrentRequests,
    [property: Id(12)] string? Cluster,
    [property: Id(13)] bool LogPredictions,
    [property: Id(14)] bool Production,
    [property: Id(15)] TransformerSpec? Transformer = null)
{
    public const int DefaultMaxConcurrentRequests = 10;

    /// <summary>The most replicas one deployment may ask for (a typo of 10000 should not flood the pool's queue).</summary>
    public const int ReplicaLimit = 100;
}
