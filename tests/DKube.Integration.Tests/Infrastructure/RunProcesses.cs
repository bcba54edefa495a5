using System.Diagnostics;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>The OS processes of local runs under a server's data folder (they outlive the server by design).</summary>
public static class RunProcesses
{
    /// <summary>The process-group leader of an execution, from the pid file its wrapper wrote.</summary>
    public static int? PidOf(string dataDir, string executionId)
    {
        var file = Path.Combine(dataDir, "work", executionId, ".dkube", "pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Split(' ')[0], out var pid) ? pid : null;
    }

    /// <summary>SIGKILLs the whole process group of an execution.</summary>
    public static void Kill(int pid)
    {
        using var kill = Process.Start("kill", ["-KILL", "--", $"-{pid}"]);
        kill.WaitForExit();
    }

    /// <summary>Kills every run left under <paramref name="dataDir"/> so tests leave no processes behind.</summary>
    public static void KillAll(string dataDir)
    {
        var work = Path.Combine(dataDir, "work");
        if (!Directory.Exists(work))
        {
            return;
        }

        foreach (var folder in Directory.GetDirectories(work))
        {
            if (PidOf(dataDir, Path.GetFileName(folder)) is { } pid)
            {
                Kill(pid);
            }
        }
    }
}
