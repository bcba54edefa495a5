namespace DKube.Abstractions.Serving;

/// <summary>
/// A deployment as the API shows it. <see cref="Endpoint"/> is the path of its gateway base
/// (<c>/serve/{id}</c>); the API answers it as a full URL. <see cref="Parent"/>: what made it, when
/// a grain did (a pipeline run's serving step), as <c>{kind, id}</c>.
/// </summary>
[GenerateSerializer]
[Alias("dkube.deployment")]
public sealed record DeploymentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Project,
    [property: Id(5)] DeploymentStatus Status,
    [property: Id(6)] string? Reason,
    [property: Id(7)] string Endpoint,
    [property: Id(8)] DeploymentModel Model,
    [property: Id(9)] ReplicaCounts Replicas,
    [property: Id(10)] DeploymentSpec Spec,
    [property: Id(11)] IReadOnlyList<ModelChangeRecord> History,
    [property: Id(12)] IReadOnlyList<ReplicaView> ReplicaList,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] string? ImportedUrl = null,
    [property: Id(15), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] Workloads.WorkloadParent? Parent = null)
{
    public static string EndpointOf(string id) => $"/serve/{id}";
}
