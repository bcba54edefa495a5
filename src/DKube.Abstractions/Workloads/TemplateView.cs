namespace DKube.Abstractions.Workloads;

[GenerateSerializer]
[Alias("dkube.template")]
public sealed record TemplateView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] WorkloadSpec Spec,
    [property: Id(5)] DateTimeOffset CreatedAt);
