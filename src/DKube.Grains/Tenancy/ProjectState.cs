using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Tenancy;

[GenerateSerializer]
[Alias("dkube.state.project")]
public sealed class ProjectState : IProjectedState
{
    /// <summary>The project as it stands; null until created.</summary>
    [Id(0)]
    public ProjectView? View { get; set; }

    /// <summary>The project's name (unique in its group) and listing row, stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.ClaimName(ResourceKinds.Project, view.Group, view.Name, key)
                .Resource(new ResourceRow(ResourceKinds.Project, key, view.Name, view.Owner, view.Group, key, null, view.CreatedAt, view));
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.RemoveResource(ResourceKinds.Project, key).ReleaseName(ResourceKinds.Project, view.Group, view.Name, key);
        }
    }
}
