using DKube.Abstractions.Repos;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Repos;

[GenerateSerializer]
[Alias("dkube.state.code-repo")]
public sealed class CodeRepoState : IProjectedState
{
    /// <summary>The repository as it stands; null until created (and again once deleted).</summary>
    [Id(0)]
    public CodeRepoView? View { get; set; }

    /// <summary>The credentials, sealed with the server's secrets key (never stored in the clear).</summary>
    [Id(1)]
    public byte[]? SealedCredentials { get; set; }

    /// <summary>The repository's name (unique per owner) and listing row, stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.NamedResource(new ResourceRow(RepoKinds.Code, key, view.Name, view.Owner, view.Group, view.Project, null, view.CreatedAt, view), view.Owner);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.RemoveNamedResource(RepoKinds.Code, view.Owner, view.Name, key);
        }
    }
}
