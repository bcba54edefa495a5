namespace DKube.Executors.Local;

/// <summary>
/// What the launcher's per-run wrapper applies before it execs the command (see
/// <see cref="LocalLauncherScript"/>): where the run's output goes, where the wrapper records the
/// run's identity and exit code, the memory limit, and the account it runs as.
/// </summary>
/// <param name="LogFile">stdout and stderr of the command, appended.</param>
/// <param name="PidFile">"pid starttime" of the wrapper, written before the command runs.</param>
/// <param name="ExitCodeFile">the command's exit status, written when it ends.</param>
/// <param name="DataLimitBytes">RLIMIT_DATA (soft and hard) of the command; null: none.</param>
/// <param name="Account">the account the command runs as (no supplementary groups, no new privileges); null: the server's.</param>
internal sealed record LocalSandbox(string LogFile, string PidFile, string ExitCodeFile, long? DataLimitBytes, RunAccount? Account);
