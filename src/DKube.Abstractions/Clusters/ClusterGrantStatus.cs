namespace DKube.Abstractions.Clusters;

/// <summary>What a cluster did with a claim.</summary>
public enum ClusterGrantStatus
{
    /// <summary>The workload holds GPUs here now.</summary>
    Placed,

    /// <summary>The cluster is busy: the workload waits in its queue and is told when it is placed.</summary>
    Waiting,

    /// <summary>No node of the cluster can ever hold the request's shape.</summary>
    Unplaceable,
}
