namespace DKube.Abstractions.Repos;

/// <summary>A dataset, featureset or model, keyed by id: its description and its numbered, immutable versions.</summary>
[Alias("dkube.IDataRepoGrain")]
public interface IDataRepoGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<DataRepoView> Create(DataRepoSpec spec);

    [Alias("Update")]
    Task<DataRepoView> Update(DataRepoChange change);

    [Alias("Delete")]
    Task Delete();

    [Alias("Get")]
    Task<DataRepoView?> Get();

    /// <summary>Numbers and records a version whose content is in the store already (once per <see cref="NewVersion.Key"/>).</summary>
    [Alias("AddVersion")]
    Task<VersionView> AddVersion(NewVersion version);

    /// <summary>Up to <paramref name="take"/> versions numbered after <paramref name="after"/>, oldest first: one page of a listing.</summary>
    [Alias("ListVersions")]
    Task<IReadOnlyList<VersionView>> ListVersions(int after, int take);

    [Alias("GetVersion")]
    Task<VersionView?> GetVersion(int version);

    /// <summary>Notes that <paramref name="runId"/> read <paramref name="version"/> (idempotent).</summary>
    [Alias("RecordUsage")]
    Task RecordUsage(int version, string runId);

    /// <summary>Moves a model version to <paramref name="stage"/>; publishing needs <paramref name="serving"/>.</summary>
    [Alias("SetStage")]
    Task<VersionView> SetStage(int version, ModelStage stage, ServingSpec? serving);
}
