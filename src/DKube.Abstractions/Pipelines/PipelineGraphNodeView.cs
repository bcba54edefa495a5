namespace DKube.Abstractions.Pipelines;

/// <summary>
/// A task of a pipeline's graph: <see cref="Id"/> is its path from the root DAG
/// (<c>exit-handler-1/print-op</c>), <see cref="Kind"/> <c>container</c>, <c>importer</c> or <c>dag</c>.
/// </summary>
[GenerateSerializer]
[Alias("dkube.pipeline-graph-node")]
public sealed record PipelineGraphNodeView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Component,
    [property: Id(3)] string Kind,
    [property: Id(4)] string? Parent,
    [property: Id(5)] string? Image,
    [property: Id(6)] string? Condition,
    [property: Id(7)] bool Loop,
    [property: Id(8)] bool ExitHandler,
    [property: Id(9)] bool Cache);
