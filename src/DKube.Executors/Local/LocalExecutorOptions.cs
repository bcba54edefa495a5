namespace DKube.Executors.Local;

/// <summary>
/// Settings of the local executor. The server sets only <see cref="RootPath"/> (to
/// <c>&lt;dataDir&gt;/work</c>, in <c>DKubeServer.AddExecution</c>); the rest keep their defaults there.
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
    public IReadOnlyList<string> InheritedEnvironment { get; set; } = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"];
}
