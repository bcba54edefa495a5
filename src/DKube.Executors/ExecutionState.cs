namespace DKube.Executors;

/// <summary>What a backend says of a piece of work.</summary>
public enum ExecutionState
{
    /// <summary>Accepted by the backend, not running yet (e.g. Slurm PENDING).</summary>
    Pending,

    Running,

    /// <summary>Ended with exit code 0.</summary>
    Succeeded,

    /// <summary>Ended with a non-zero exit code, a timeout or a node failure.</summary>
    Failed,

    /// <summary>Ended because it was stopped (cancelled).</summary>
    Stopped,

    /// <summary>The backend no longer knows it (vanished while nobody watched).</summary>
    Lost,
}
