namespace DKube.Abstractions.Workloads;

/// <summary>The status words of API.md, shared by runs and IDEs.</summary>
public enum WorkloadStatus
{
    /// <summary>Accepted; not yet decided by the pool, or waiting in a remote backend's queue.</summary>
    Queued,

    /// <summary>In its group's pool queue until its GPUs are free.</summary>
    WaitingForGpus,

    Starting,
    Running,
    Complete,
    Failed,
    Stopping,
    Stopped,

    /// <summary>The backend refused or lost it before it could run.</summary>
    Error,
}
