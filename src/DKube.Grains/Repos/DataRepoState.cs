using DKube.Abstractions.Repos;
using DKube.Storage.Grains;
using DKube.Storage.ReadModel;

namespace DKube.Grains.Repos;

[GenerateSerializer]
[Alias("dkube.state.data-repo")]
public sealed class DataRepoState : IProjectedState
{
    /// <summary>The repository as it stands; null until created (and again once deleted).</summary>
    [Id(0)]
    public DataRepoView? View { get; set; }

    /// <summary>Versions in order: version n is at index n - 1. Versions are never removed or renumbered.</summary>
    [Id(1)]
    public List<VersionView> Versions { get; set; } = [];

    /// <summary>The version each keyed addition made (a run's execution id to its output version), so a retry makes no second one.</summary>
    [Id(2)]
    public Dictionary<string, int> Keyed { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The distinct contents of the version being added, written to the read model by the same write
    /// that stores the version (and never serialized: once stored they live in the read model only).
    /// </summary>
    public IReadOnlyList<StoredContent> AddedContents
    {
        get => _addedContents;
        set => _addedContents = value;
    }

    [NonSerialized]
    private IReadOnlyList<StoredContent> _addedContents = [];

    /// <summary>The repository's name (unique per owner and kind) and listing row, stored with the state; the added version's contents.</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (View is { } view)
        {
            var kind = RepoKinds.Of(view.Kind);
            projection.NamedResource(new ResourceRow(kind, key, view.Name, view.Owner, view.Group, view.Project, null, view.CreatedAt, view), view.Owner);
            projection.RepoContents(key, AddedContents);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
        if (View is { } view)
        {
            var kind = RepoKinds.Of(view.Kind);
            projection.RemoveNamedResource(kind, view.Owner, view.Name, key).RemoveRepoContents(key);
        }
    }
}
