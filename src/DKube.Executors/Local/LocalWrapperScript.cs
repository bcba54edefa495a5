namespace DKube.Executors.Local;

/// <summary>
/// The outer shell every run starts in (as session and group leader, through setsid), with the
/// user's command as <c>$1</c>. It records what a restarted server needs to adopt the run, because
/// the server may be gone when the command ends. Arguments after the command (<c>$2...</c>) prefix
/// it: <c>setpriv --reuid ... --</c> when the run has its own account, so the wrapper stays the
/// server's (it alone writes the control folder) and only the command drops its privileges.
/// </summary>
internal static class LocalWrapperScript
{
    /// <remarks>
    /// - stdin, stdout and stderr are taken off the server at once: a pipe to the server would break
    ///   (SIGPIPE) when the server dies, so the run writes straight to its log file.
    /// - "pid starttime" comes from /proc/$$/stat; the wrapper's command name is "sh" (no spaces),
    ///   so plain field splitting finds field 22. It is written before the command runs.
    /// - TERM is trapped with a no-op so the wrapper outlives a stop long enough to record the
    ///   command's status; a handler (unlike an ignore) is reset on exec, so the command still gets
    ///   the default TERM behaviour.
    /// - The run's memory is limited as RLIMIT_DATA (heap and private writable mappings, not
    ///   address space that is only reserved), inherited by everything the command starts. Only builtins are used after the command, so a PATH set by the
    ///   run cannot keep the exit code from being written.
    /// </remarks>
    public const string Text =
        """
        exec </dev/null >>"$DKUBE_WORK_DIR/output.log" 2>&1
        read -r _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ start _ </proc/$$/stat
        printf '%s %s\n' "$$" "$start" >"$DKUBE_WORK_DIR/.dkube/pid"
        trap : TERM
        if [ -n "$DKUBE_MEMORY_LIMIT_KIB" ]; then ulimit -d "$DKUBE_MEMORY_LIMIT_KIB"; fi
        command=$1
        shift
        "$@" "$DKUBE_SHELL" -c "$command"
        code=$?
        printf '%s\n' "$code" >"$DKUBE_WORK_DIR/.dkube/exit_code"
        exit "$code"
        """;
}
