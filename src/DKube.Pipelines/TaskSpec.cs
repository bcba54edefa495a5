namespace DKube.Pipelines;

/// <summary>
/// One task of a DAG: the component it runs, what it waits for, where its inputs come from,
/// and how it runs (cache, condition, trigger strategy, loop, <c>retryPolicy.maxRetryCount</c>).
/// </summary>
public sealed record TaskSpec(
    string Name,
    string DisplayName,
    string ComponentRef,
    IReadOnlyList<string> DependentTasks,
    IReadOnlyDictionary<string, ParameterSource> Parameters,
    IReadOnlyDictionary<string, ArtifactSource> Artifacts,
    bool EnableCache,
    string? Condition,
    bool RunsAfterFailures,
    LoopSpec? Iterator,
    int MaxRetries = 0)
{
    /// <summary>The tasks whose outputs this task reads (they must be upstream of it).</summary>
    public IEnumerable<string> Producers =>
        Parameters.Values.Select(p => p.ProducerTask)
            .Concat(Artifacts.Values.Select(a => a.ProducerTask))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
}
