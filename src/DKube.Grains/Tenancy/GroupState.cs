using DKube.Abstractions.Tenancy;
using DKube.Storage.Grains;

namespace DKube.Grains.Tenancy;

[GenerateSerializer]
[Alias("dkube.state.group")]
public sealed class GroupState : IProjectedState
{
    [Id(0)]
    public bool Exists { get; set; }

    [Id(1)]
    public int Gpus { get; set; }

    [Id(2)]
    public List<string> Clusters { get; set; } = [];

    [Id(3)]
    public SortedSet<string> Members { get; set; } = new(StringComparer.Ordinal);

    [Id(4)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The operator's limits for the members; null until set.</summary>
    [Id(5)]
    public GroupLimits? Limits { get; set; }

    /// <summary>Per object quota (<see cref="IObjectQuotas.Deployments"/>), the ids of the objects that hold a place in it.</summary>
    [Id(6)]
    public Dictionary<string, SortedSet<string>> Claims { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The group's row and member set (visibility and token look-ups read them).</summary>
    public void ProjectWrite(string key, Projection projection)
    {
        if (Exists)
        {
            projection.Group(key, Gpus, Clusters, Members, CreatedAt);
        }
    }

    public void ProjectClear(string key, Projection projection)
    {
    }
}
