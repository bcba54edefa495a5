namespace DKube.Scheduling;

/// <summary>What the cluster did with a claim.</summary>
public enum ClaimOutcome
{
    /// <summary>The request holds GPUs now (or already did).</summary>
    Placed,

    /// <summary>The cluster is busy: the request waits in its queue and is placed when room frees up.</summary>
    Waiting,

    /// <summary>No node of the cluster could hold the request even if the cluster were empty.</summary>
    Unplaceable,
}
