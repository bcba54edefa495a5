using DKube.Abstractions.Clusters;
using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Scheduling;

namespace DKube.Grains.Clusters;

/// <summary>Translates between the wire contracts and the pure scheduling model.</summary>
public static class SchedulingMapper
{
    public static NodeSpec ToNode(NodeInfo node) => new(node.Name, node.Gpus, node.Cpus, node.MemoryGiB, node.Labels);

    public static Allocation ToAllocation(Placement placement) =>
        new(placement.Cluster, placement.Workers.Select(w => new WorkerAssignment(w.Node, w.GpuIndices)).ToList());

    public static Placement ToPlacement(Allocation allocation) =>
        new(allocation.Cluster, allocation.Workers.Select(w => new WorkerPlacement(w.Node, w.Gpus)).ToList());

    public static GpuRequest ToRequest(PoolRequest request) => new(
        request.Id,
        request.Owner,
        request.GpusPerWorker,
        request.Workers,
        request.Mode == Abstractions.Workloads.DistributionMode.Manual ? Scheduling.DistributionMode.Manual : Scheduling.DistributionMode.Auto,
        request.Affinity,
        request.StartWithAvailableGpus,
        request.ExpectedDuration,
        request.Cluster);

    public static Scheduling.QueuePolicy ToPolicy(Abstractions.Pools.QueuePolicy policy) =>
        policy == Abstractions.Pools.QueuePolicy.BestEffortFifo ? Scheduling.QueuePolicy.BestEffortFifo : Scheduling.QueuePolicy.StrictFifo;
}
