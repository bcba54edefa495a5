namespace DKube.Abstractions.Repos;

/// <summary>
/// What the run layer calls to feed a run its inputs and to keep its output as a version.
/// Callers check visibility first; these methods trust the ids they are given.
/// </summary>
public interface IDataVersions
{
    /// <summary>
    /// Writes <paramref name="version"/> (the latest when null) of a versioned repository into
    /// <paramref name="targetFolder"/> (new or empty) with read-only files, and returns its number.
    /// A non-versioned repository whose location is a folder is linked there instead (and null is returned).
    /// </summary>
    Task<int?> MaterializeAsync(RepoKind kind, string repoId, int? version, string targetFolder, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the next version of a repository from a run's output folder, with its lineage. With a
    /// <paramref name="key"/> (the execution id) it is made once however often it is asked: a retry
    /// answers the version made first.
    /// </summary>
    Task<VersionView> CommitOutputAsync(RepoKind kind, string repoId, string sourceFolder, Lineage lineage, string? key = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes the next version of a repository holding one file of a run's output folder (a pipeline
    /// task's file artifact) as <paramref name="name"/>, with its lineage; once per <paramref name="key"/>.
    /// </summary>
    Task<VersionView> CommitFileAsync(RepoKind kind, string repoId, string sourceFile, string name, Lineage lineage, string key, CancellationToken cancellationToken = default);

    /// <summary>Records that a run used a version (listed by the version and its lineage).</summary>
    Task RecordUsageAsync(RepoKind kind, string repoId, int version, string runId, CancellationToken cancellationToken = default);
}
