using DKube.Executors.Slurm.Rest;

namespace DKube.Executors.Slurm;

/// <summary>Slurm job states in DKube's words.</summary>
internal static class SlurmStatusMapper
{
    public static ExecutionStatus Map(string id, SlurmJobDto job, DateTimeOffset at)
    {
        var status = Map(id, job.JobId, job.JobState, job.StateReason, job.StateDescription, job.ExitCode, signal: null, at);
        return status.State == ExecutionState.Running ? status with { Endpoint = SlurmJobRequestBuilder.EndpointOf(job) } : status;
    }

    /// <summary>A job slurmrestd forgot (MinJobAge), from its final jobcomp record; that record has no reason.</summary>
    public static ExecutionStatus Map(string id, SlurmJobCompEntry record, DateTimeOffset at) =>
        Map(id, record.JobId, record.State, reason: null, description: null, record.ExitCode, record.Signal, at);

    /// <param name="exitCode">A wait(2) status as slurmrestd gives it, unless <paramref name="signal"/> is given.</param>
    /// <param name="signal">The terminating signal when the exit code came split (jobcomp "code:signal").</param>
    public static ExecutionStatus Map(
        string id, long jobId, string? state, string? reason, string? description, int? exitCode, int? signal, DateTimeOffset at)
    {
        var backendId = jobId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, sig) = signal is null ? Decode(exitCode ?? 0) : (exitCode ?? 0, signal.Value);
        var slurmReason = Words(reason, description);
        ExecutionStatus Status(ExecutionState s, int? c = null, string? r = null) => new(id, s, at, c, r, backendId);

        // A state may carry flags after a '+' in some versions (e.g. "CANCELLED+"); the base decides.
        var baseState = (state ?? "").Split('+', ' ')[0].ToUpperInvariant();
        return baseState switch
        {
            "PENDING" or "REQUEUED" or "REQUEUE_HOLD" or "REQUEUE_FED" or "RESV_DEL_HOLD" =>
                Status(ExecutionState.Pending, r: slurmReason ?? baseState.ToLowerInvariant()),
            "CONFIGURING" => Status(ExecutionState.Pending, r: "configuring nodes"),
            "RUNNING" or "COMPLETING" or "STAGE_OUT" or "SIGNALING" => Status(ExecutionState.Running),
            "SUSPENDED" or "STOPPED" => Status(ExecutionState.Running, r: "suspended"),
            "COMPLETED" when code == 0 && sig == 0 => Status(ExecutionState.Succeeded, 0),
            "COMPLETED" or "FAILED" => Failed(Status, code, sig, slurmReason),
            "CANCELLED" or "REVOKED" => Status(ExecutionState.Stopped, r: "cancelled"),
            "TIMEOUT" => Status(ExecutionState.Failed, ExitCodeOf(code, sig), "time limit"),
            "DEADLINE" => Status(ExecutionState.Failed, ExitCodeOf(code, sig), "deadline"),
            "NODE_FAIL" => Status(ExecutionState.Failed, ExitCodeOf(code, sig), "node failure" + Suffix(slurmReason)),
            "BOOT_FAIL" => Status(ExecutionState.Failed, null, "node boot failure" + Suffix(slurmReason)),
            "OUT_OF_MEMORY" => Status(ExecutionState.Failed, ExitCodeOf(code, sig), "out of memory"),
            "PREEMPTED" => Status(ExecutionState.Failed, ExitCodeOf(code, sig), "preempted"),
            "SPECIAL_EXIT" => Failed(Status, code, sig, "special exit"),
            // Unknown to this mapping: not final, so a later poll can still say how it ended.
            _ => Status(ExecutionState.Pending, r: "slurm state " + (state ?? "unknown")),
        };
    }

    private static ExecutionStatus Failed(
        Func<ExecutionState, int?, string?, ExecutionStatus> status, int code, int signal, string? reason) =>
        signal != 0
            ? status(ExecutionState.Failed, ExitCodeOf(code, signal), $"killed by signal {signal}")
            : status(ExecutionState.Failed, code, reason);

    // Shell convention: death by signal N reads as exit code 128 + N.
    private static int? ExitCodeOf(int code, int signal) => signal != 0 ? 128 + signal : code;

    private static (int Code, int Signal) Decode(int waitStatus) => ((waitStatus >> 8) & 0xff, waitStatus & 0x7f);

    private static string? Words(string? reason, string? description)
    {
        var r = string.IsNullOrWhiteSpace(reason) || reason == "None" ? null : reason;
        var d = string.IsNullOrWhiteSpace(description) ? null : description;
        return r is null ? d : d is null ? r : $"{r}: {d}";
    }

    private static string Suffix(string? reason) => reason is null ? "" : $" ({reason})";
}
