using DKube.Abstractions.Common;
using DKube.Abstractions.Workloads;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Workloads;

[GenerateSerializer]
[Alias("dkube.state.template")]
public sealed class TemplateState : IProjectedState
{
    [Id(0)]
    public TemplateView? View { get; set; }

    /// <summary>The template's name (unique per owner) and listing row, stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.ClaimName(ResourceKinds.Template, view.Owner, view.Name, key)
                .Resource(new ResourceRow(ResourceKinds.Template, key, view.Name, view.Owner, view.Group, view.Spec.Project, null, view.CreatedAt, view));
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.RemoveResource(ResourceKinds.Template, key).ReleaseName(ResourceKinds.Template, view.Owner, view.Name, key);
        }
    }
}
