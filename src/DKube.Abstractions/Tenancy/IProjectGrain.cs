namespace DKube.Abstractions.Tenancy;

/// <summary>A project, keyed by id; its name is unique within its group.</summary>
[Alias("dkube.IProjectGrain")]
public interface IProjectGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task<ProjectView> Create(string name, string owner, string group, string? description, bool leaderboard);

    [Alias("Update")]
    Task<ProjectView> Update(ProjectChange change);

    [Alias("Get")]
    Task<ProjectView?> Get();
}
