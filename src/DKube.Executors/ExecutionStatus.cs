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
}
