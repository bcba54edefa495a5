using DKube.Abstractions.Repos;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Repos;

[GenerateSerializer]
[Alias("dkube.state.image")]
public sealed class ImageState : IProjectedState
{
    [Id(0)]
    public ImageView? View { get; set; }

    /// <summary>Registry credentials of a private image, sealed with the server's secrets key.</summary>
    [Id(1)]
    public byte[]? SealedCredentials { get; set; }

    /// <summary>The image's name (unique in its group) and listing row, stored with the state.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.NamedResource(new ResourceRow(RepoKinds.Image, key, view.Name, view.Owner, view.Group, view.Project, null, view.CreatedAt, view), view.Group);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            projection.RemoveNamedResource(RepoKinds.Image, view.Group, view.Name, key);
        }
    }
}
