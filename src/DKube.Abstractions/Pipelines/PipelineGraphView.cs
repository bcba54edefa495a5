namespace DKube.Abstractions.Pipelines;

/// <summary>The graph of a pipeline version: every task of every DAG and the order between them.</summary>
[GenerateSerializer]
[Alias("dkube.pipeline-graph")]
public sealed record PipelineGraphView(
    [property: Id(0)] IReadOnlyList<PipelineGraphNodeView> Nodes,
    [property: Id(1)] IReadOnlyList<PipelineGraphEdgeView> Edges);
