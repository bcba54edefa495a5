namespace DKube.Abstractions.Workloads;

/// <summary>
/// What a run or IDE asks for, fully resolved (group chosen, defaults applied). Templates store
/// one, clones copy one.
/// </summary>
[GenerateSerializer]
[Alias("dkube.workload-spec")]
public sealed record WorkloadSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Group,
    [property: Id(3)] string? Project,
    [property: Id(4)] CodeRef? Code,
    [property: Id(5)] string? Image,
    [property: Id(6)] string Command,
    [property: Id(7)] IReadOnlyList<VersionRef> Inputs,
    [property: Id(8)] OutputRef? Output,
    [property: Id(9)] IReadOnlyDictionary<string, string> Hyperparameters,
    [property: Id(10)] int Gpus,
    [property: Id(11)] bool StartWithAvailableGpus,
    [property: Id(12)] Distribution? Distribution,
    [property: Id(13)] string? Cluster,
    [property: Id(14)] IReadOnlyList<string> Affinity,
    [property: Id(15)] TimeSpan ExpectedDuration,
    [property: Id(16)] IReadOnlyDictionary<string, string> BackendOptions,
    [property: Id(17)] string? HyperparametersJson = null)
{
    // Hyperparameters holds each value as text (what environment variables carry, and all that
    // specs stored before JSON types were kept have); HyperparametersJson, when set, is the JSON
    // object they were given as, so that 0.01 stays a number: see HyperparameterValues.
    public int Workers => Distribution?.Workers ?? 0;

    /// <summary>GPUs in all, as DKube counts a distributed run: per worker times (workers + 1).</summary>
    public int TotalGpus => Gpus * (Workers + 1);
}
