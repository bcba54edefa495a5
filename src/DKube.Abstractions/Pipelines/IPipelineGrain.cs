namespace DKube.Abstractions.Pipelines;

/// <summary>
/// A pipeline, keyed by id: the single writer of its versions. Every version is validated when
/// it is uploaded (422 saying what is wrong), so a run never starts from a broken graph.
/// </summary>
[Alias("dkube.IPipelineGrain")]
public interface IPipelineGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<PipelineView> Create(string name, string owner, string group, string? description, string yaml);

    /// <summary>Adds a version (the next <c>vN</c>); 422 when the YAML is not a valid pipeline.</summary>
    [Alias("AddVersion")]
    Task<PipelineView> AddVersion(string yaml);

    [Alias("Get")]
    Task<PipelineView?> Get();

    /// <summary>A version's YAML and graph (the latest when <paramref name="version"/> is null); 404 if unknown.</summary>
    [Alias("GetSource")]
    Task<PipelineSource> GetSource(string? version);
}
