namespace DKube.Executors;

/// <summary>One status report of a piece of work; <see cref="Reason"/> carries the backend's own words (e.g. Slurm's pending reason).</summary>
public sealed record ExecutionStatus(
    string Id,
    ExecutionState State,
    DateTimeOffset At,
    int? ExitCode = null,
    string? Reason = null,
    string? BackendId = null)
{
    public bool IsFinal => State is ExecutionState.Succeeded or ExecutionState.Failed or ExecutionState.Stopped or ExecutionState.Lost;

    /// <summary>
    /// Whether <paramref name="other"/> tells nothing new: same state, exit code and reason. The
    /// time and backend id are left out, so a watcher that re-derives a status does not report it again.
    /// </summary>
    public bool SameOutcomeAs(ExecutionStatus? other) =>
        other is not null && State == other.State && ExitCode == other.ExitCode && Reason == other.Reason;
}
