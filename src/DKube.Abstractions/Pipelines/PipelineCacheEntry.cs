namespace DKube.Abstractions.Pipelines;

/// <summary>The outputs of a task that completed under a cache key, which a later task with the same key reuses.</summary>
[GenerateSerializer]
[Alias("dkube.pipeline-cache-entry")]
public sealed record PipelineCacheEntry(
    [property: Id(0)] string PipelineRun,
    [property: Id(1)] string Task,
    [property: Id(2)] IReadOnlyDictionary<string, string> Outputs,
    [property: Id(3)] IReadOnlyDictionary<string, PipelineArtifactView> Artifacts,
    [property: Id(4)] DateTimeOffset At);
