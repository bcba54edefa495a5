namespace DKube.Executors.Local;

/// <summary>
/// Settings of the local executor. The server sets <see cref="RootPath"/> (to
/// <c>&lt;dataDir&gt;/work</c>, in <c>DKubeServer.AddExecution</c>) and, when it runs as root,
/// <see cref="RunUidBase"/> and <see cref="StagingRoot"/>; the rest keep their defaults there.
/// </summary>
public sealed class LocalExecutorOptions
{
    /// <summary>The folder under which every run gets its working folder <c>&lt;RootPath&gt;/&lt;id&gt;</c>, e.g. <c>&lt;dataDir&gt;/work</c>.</summary>
    public string RootPath { get; set; } = string.Empty;

    /// <summary>The POSIX shell that runs the wrapper and the command.</summary>
    public string ShellPath { get; set; } = "/bin/sh";

    /// <summary>The <c>setsid</c> utility that puts each run in its own session and process group.</summary>
    public string SetsidPath { get; set; } = "setsid";

    /// <summary>How often a run adopted after a restart (no longer our child, so no exit notification) is looked up in /proc.</summary>
    public TimeSpan AdoptedPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a followed log is checked for new lines once it has been read to its end.</summary>
    public TimeSpan LogPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a run that exceeded its time limit gets between SIGTERM and SIGKILL.</summary>
    public TimeSpan TimeLimitGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The server's environment variables a run inherits. Runs do not get the whole server
    /// environment, which holds the server's own secrets (database connection strings).
    /// </summary>
    public IReadOnlyList<string> InheritedEnvironment { get; set; } = ChildEnvironment.DefaultInherited;

    /// <summary>
    /// When set (the server runs as root), each DKube user's runs execute as uid and gid
    /// <c>RunUidBase + index</c>, the index given on the user's first run and kept in the root folder;
    /// null: runs execute as the server's own user.
    /// </summary>
    public int? RunUidBase { get; set; }

    /// <summary>
    /// The folder under which the server stages runs' inputs, code and output (<c>&lt;dataDir&gt;/runs</c>);
    /// with <see cref="RunUidBase"/>, the per-run folder below it that a mount comes from is restricted to that run's account.
    /// </summary>
    public string? StagingRoot { get; set; }

    /// <summary>
    /// The Python 3 interpreter (3.9 or later, for <c>os.waitstatus_to_exitcode</c>) that runs the
    /// long-lived launcher which starts runs (<see cref="LocalLauncher"/>); resolved to an absolute path
    /// at start. Null, or not found: the server starts each run itself (<see cref="SetsidPath"/> and the
    /// shell wrapper), one fork of the server and one more exec per run.
    /// </summary>
    public string? LauncherPath { get; set; } = "/usr/bin/python3";

    /// <summary>
    /// The compiled per-run helper (<c>Local/native/dkube-runwrap.c</c>, built with the server where gcc
    /// is) that starts each run in one exec: session, log, pid file, memory limit, the drop to the run's
    /// account, exit code. An absolute path; null or missing: runs start through the shell wrapper
    /// (and <see cref="SetprivPath"/>), one exec more per run.
    /// </summary>
    public string? RunWrapperPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "dkube-runwrap");

    /// <summary>util-linux <c>setpriv</c>, which drops to the run's account (no supplementary groups, no new privileges).</summary>
    public string SetprivPath { get; set; } = "setpriv";
}
