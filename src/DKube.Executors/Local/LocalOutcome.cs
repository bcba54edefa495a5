namespace DKube.Executors.Local;

/// <summary>Turns what an ended run left in its folder into its final status.</summary>
internal static class LocalOutcome
{
    /// <param name="sawItEnd">
    /// True when this server watched the process end; false when it ended while nobody watched,
    /// in which case a missing exit code means the run is lost rather than failed.
    /// </param>
    public static async Task<ExecutionStatus> ReadAsync(
        string id,
        LocalRunPaths paths,
        string? backendId,
        bool sawItEnd,
        DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        var code = await LocalRunFiles.ReadExitCodeAsync(paths, cancellationToken);

        if (File.Exists(paths.TimeLimitMarkerFile))
            return new(id, ExecutionState.Failed, at, code, "the run exceeded its time limit and was stopped", backendId);

        if (File.Exists(paths.StopMarkerFile))
        {
            // Without an exit code the wrapper itself died, which only SIGKILL does (it traps TERM).
            var reason = code is null ? "stopped; killed with SIGKILL after the grace period" : "stopped";
            return new(id, ExecutionState.Stopped, at, code, reason, backendId);
        }

        if (code is 0)
            return new(id, ExecutionState.Succeeded, at, 0, null, backendId);
        if (code is { } failed)
            return new(id, ExecutionState.Failed, at, failed, $"the command exited with code {failed}", backendId);

        return sawItEnd
            ? new(id, ExecutionState.Failed, at, null, "the process was killed before it recorded an exit code", backendId)
            : new(id, ExecutionState.Lost, at, null, "the process ended while the server was down and left no exit code", backendId);
    }
}
