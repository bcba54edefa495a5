namespace DKube.Abstractions.Pipelines;

/// <summary>An edge of a pipeline's graph: <see cref="To"/> waits for <see cref="From"/>.</summary>
[GenerateSerializer]
[Alias("dkube.pipeline-graph-edge")]
public sealed record PipelineGraphEdgeView([property: Id(0)] string From, [property: Id(1)] string To);
