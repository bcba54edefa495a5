namespace DKube.Abstractions.Pipelines;

/// <summary>A pipeline, its versions (oldest first) and the graph of its latest version.</summary>
[GenerateSerializer]
[Alias("dkube.pipeline")]
public sealed record PipelineView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Owner,
    [property: Id(3)] string Group,
    [property: Id(4)] string? Description,
    [property: Id(5)] IReadOnlyList<PipelineVersionView> Versions,
    [property: Id(6)] PipelineGraphView Graph,
    [property: Id(7)] DateTimeOffset CreatedAt);
