namespace DKube.Scheduling;

/// <summary>Why a request was refused outright; the API maps all of these to 422.</summary>
public enum RejectionReason
{
    /// <summary>Negative counts, a missing id, a negative duration and the like.</summary>
    InvalidRequest,

    /// <summary>The request needs more GPUs than the group's whole pool.</summary>
    ExceedsPoolSize,

    /// <summary>The request names a cluster the group may not draw on.</summary>
    UnknownCluster,

    /// <summary>No cluster could hold the request even if it were empty (too few nodes, labels or GPUs per node).</summary>
    Unplaceable,

    /// <summary>The request would wait, but its owner or its group already has as many waiting as <see cref="QueueQuota"/> allows.</summary>
    QueueQuotaExceeded,
}
