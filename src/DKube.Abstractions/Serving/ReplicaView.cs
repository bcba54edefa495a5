namespace DKube.Abstractions.Serving;

/// <summary>
/// One replica as the deployment sees it: its workload (a run of kind <c>inference</c>), model
/// version, address (where the gateway sends its requests) and state. With a transformer, the
/// replica is two workloads: the predictor (<see cref="WorkloadId"/>, reached at
/// <see cref="PredictorUrl"/>) and the transformer in front of it (<see cref="TransformerId"/>,
/// made once the predictor is ready; <see cref="Url"/> is then the transformer's).
/// <see cref="AdmittedAt"/> is when its workload left the group's pool queue (null while it waits
/// for GPUs): the deployment's progress deadline counts from then.
/// </summary>
[GenerateSerializer]
[Alias("dkube.replica")]
public sealed record ReplicaView(
    [property: Id(0)] string WorkloadId,
    [property: Id(1)] int ModelVersion,
    [property: Id(2)] string? Url,
    [property: Id(3)] bool Ready,
    [property: Id(4)] bool Draining,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string? TransformerId = null,
    [property: Id(7)] string? PredictorUrl = null,
    [property: Id(8)] DateTimeOffset? AdmittedAt = null)
{
    /// <summary>Whether <paramref name="workloadId"/> is this replica's predictor or transformer.</summary>
    public bool Has(string workloadId) => WorkloadId == workloadId || TransformerId == workloadId;
}
