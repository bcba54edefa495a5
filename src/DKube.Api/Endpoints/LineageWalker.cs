using DKube.Abstractions.Repos;
using DKube.Abstractions.Tenancy;
using DKube.Api.Contracts;

namespace DKube.Api.Endpoints;

/// <summary>Walks a version's lineage back through the inputs of the runs that made it, to uploaded versions.</summary>
public static class LineageWalker
{
    /// <summary>Lineage graphs are small; this bounds the walk should one ever be huge or (by a bug) cyclic.</summary>
    public const int MaxNodes = 500;

    public static async Task<LineageGraph> WalkAsync(VersionId root, Caller caller, IGrainFactory grains)
    {
        var nodes = new List<LineageNode>();
        var edges = new List<LineageEdge>();
        var seen = new HashSet<VersionId> { root };
        var queue = new Queue<VersionId>([root]);
        while (queue.TryDequeue(out var at) && nodes.Count < MaxNodes)
        {
            var grain = grains.GetGrain<IDataRepoGrain>(at.RepoId);
            var repo = await grain.Get();
            var version = repo is not null && repo.Kind == at.Kind && repo.VisibleTo(caller) ? await grain.GetVersion(at.Version) : null;
            if (repo is null || version is null)
            {
                nodes.Add(new LineageNode(at.Kind, at.RepoId, at.Version, false, null, null, null, false, null, []));
                continue;
            }

            nodes.Add(new LineageNode(
                at.Kind, at.RepoId, at.Version, true, repo.Name, version.Creator, version.CreatedAt, version.Lineage is null, version.Lineage, version.UsedBy));
            foreach (var input in version.Lineage?.Inputs ?? [])
            {
                edges.Add(new LineageEdge(input, at, version.Lineage!.RunId));
                if (seen.Add(input))
                {
                    queue.Enqueue(input);
                }
            }
        }

        return new LineageGraph(root, nodes, edges);
    }
}
