namespace DKube.Abstractions.Serving;

/// <summary>One replica as the deployment sees it: its workload (a run of kind <c>inference</c>), model version, address and state.</summary>
[GenerateSerializer]
[Alias("dkube.replica")]
public sealed record ReplicaView(
    [property: Id(0)] string WorkloadId,
    [property: Id(1)] int ModelVersion,
    [property: Id(2)] string? Url,
    [property: Id(3)] bool Ready,
    [property: Id(4)] bool Draining,
    [property: Id(5)] DateTimeOffset CreatedAt);
