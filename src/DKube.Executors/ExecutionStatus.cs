namespace DKube.Executors;

/// <summary>
/// One status report of a piece of work; <see cref="Reason"/> carries the backend's own words (e.g.
/// Slurm's pending reason); <see cref="Endpoint"/> is where work that serves HTTP is reached
/// (<c>http://host:port</c>) while it runs.
/// </summary>
public sealed record ExecutionStatus(
    string Id,
    ExecutionState State,
    DateTimeOffset At,
    int? ExitCode = null,
    string? Reason = null,
    string? BackendId = null,
    string? Endpoint = null)
{
    public bool IsFinal => State is ExecutionState.Succeeded or ExecutionState.Failed or ExecutionState.Stopped or ExecutionState.Lost;

    /// <summary>
    /// Whether <paramref name="other"/> tells nothing new: same state, exit code, reason and endpoint. The
    /// time and backend id are left out, so a watcher that re-derives a status does not report it again.
    /// </summary>
    public bool SameOutcomeAs(ExecutionStatus? other) =>
        other is not null && State == other.State && ExitCode == other.ExitCode && Reason == other.Reason && Endpoint == other.Endpoint;
}
