namespace DKube.Abstractions.Pipelines;

/// <summary>A version's compiled YAML as uploaded, and its graph.</summary>
[GenerateSerializer]
[Alias("dkube.pipeline-source")]
public sealed record PipelineSource(
    [property: Id(0)] string PipelineId,
    [property: Id(1)] PipelineVersionView Version,
    [property: Id(2)] string Yaml,
    [property: Id(3)] PipelineGraphView Graph);
