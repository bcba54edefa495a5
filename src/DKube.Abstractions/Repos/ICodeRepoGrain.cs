namespace DKube.Abstractions.Repos;

/// <summary>A code repository, keyed by id: a git remote, a branch, an optional pinned commit and sealed credentials.</summary>
[Alias("dkube.ICodeRepoGrain")]
public interface ICodeRepoGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<CodeRepoView> Create(CodeRepoSpec spec);

    [Alias("Update")]
    Task<CodeRepoView> Update(CodeRepoChange change);

    [Alias("Delete")]
    Task Delete();

    [Alias("Get")]
    Task<CodeRepoView?> Get();

    /// <summary>The remote and its sealed credentials, for the code resolver only (never for an API answer).</summary>
    [Alias("GetAccess")]
    Task<CodeAccess> GetAccess();
}
