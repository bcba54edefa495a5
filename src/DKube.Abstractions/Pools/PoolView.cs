using DKube.Abstractions.Tenancy;

namespace DKube.Abstractions.Pools;

/// <summary><c>GET /groups/{group}/pool</c>: size, use, the queue in order and what runs.</summary>
[GenerateSerializer]
[Alias("dkube.pool")]
public sealed record PoolView(
    [property: Id(0)] string Group,
    [property: Id(1)] int Gpus,
    [property: Id(2)] int Used,
    [property: Id(3)] int Free,
    [property: Id(4)] QueuePolicy Policy,
    [property: Id(5)] IReadOnlyList<PoolQueueEntry> Queue,
    [property: Id(6)] IReadOnlyList<PoolRunningEntry> Running,
    [property: Id(7)] IReadOnlyList<PoolClusterUse> Clusters)
{
    /// <summary>
    /// The view as <paramref name="viewer"/> may see it: a workload only its owner may see
    /// (<see cref="Workloads.WorkloadView.OwnerOnly"/>) keeps its place, kind and GPUs, so the figures
    /// add up for everyone, but its id and owner are blank to everyone but its owner and operators.
    /// </summary>
    public PoolView SeenBy(Caller viewer)
    {
        bool Hidden(bool ownerOnly, string owner) => ownerOnly && !viewer.CanSee(owner, "");
        if (!Queue.Any(e => Hidden(e.OwnerOnly, e.Owner)) && !Running.Any(e => Hidden(e.OwnerOnly, e.Owner)))
        {
            return this;
        }

        return this with
        {
            Queue = Queue.Select(e => Hidden(e.OwnerOnly, e.Owner) ? e with { Id = "", Owner = "" } : e).ToList(),
            Running = Running.Select(e => Hidden(e.OwnerOnly, e.Owner) ? e with { Id = "", Owner = "" } : e).ToList(),
        };
    }
}
