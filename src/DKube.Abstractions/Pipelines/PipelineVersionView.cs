namespace DKube.Abstractions.Pipelines;

/// <summary>One uploaded version of a pipeline (<c>v1</c>, <c>v2</c>, ...), named as its YAML names it.</summary>
[GenerateSerializer]
[Alias("dkube.pipeline-version")]
public sealed record PipelineVersionView(
    [property: Id(0)] string Id,
    [property: Id(1)] string PipelineName,
    [property: Id(2)] string? Description,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] IReadOnlyDictionary<string, string> Parameters);
