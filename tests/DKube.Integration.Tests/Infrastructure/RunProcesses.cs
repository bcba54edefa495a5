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

    /// <summary>SIGKILLs the whole process group of an execution (quietly if it is gone already).</summary>
    public static void Kill(int pid)
    {
        var start = new ProcessStartInfo("kill", ["-KILL", "--", $"-{pid}"]) { RedirectStandardError = true };
        using var kill = Process.Start(start)!;
        kill.StandardError.ReadToEnd();
        kill.WaitForExit();
    }

    /// <summary>
    /// The executor's own view: for each local run whose process is alive under
    /// <paramref name="dataDir"/>, the <c>node/gpu</c> pairs it was started with, read from its
    /// environment (<c>DKUBE_WORKER_PLACEMENT</c>) in /proc.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> LiveGpus(string dataDir)
    {
        var live = new Dictionary<string, IReadOnlyList<string>>();
        var work = Path.Combine(dataDir, "work");
        foreach (var folder in Directory.Exists(work) ? Directory.GetDirectories(work) : [])
        {
            var execution = Path.GetFileName(folder);
            if (PidOf(dataDir, execution) is not { } pid || EnvironmentOf(pid) is not { } env
                || !env.TryGetValue("DKUBE_WORKER_PLACEMENT", out var placement) || !execution.StartsWith(env.GetValueOrDefault("DKUBE_RUN_ID", "?"), StringComparison.Ordinal))
            {
                continue;
            }

            live[execution] = placement.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .SelectMany(worker => worker.Split(':') is [var node, var gpus]
                    ? gpus.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(gpu => $"{node}/{gpu}")
                    : [])
                .ToList();
        }

        return live;
    }

    /// <summary>The environment of a live (not zombie) process, or null.</summary>
    private static Dictionary<string, string>? EnvironmentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return null;
            }

            return File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Split('=', 2))
                .Where(pair => pair.Length == 2)
                .GroupBy(pair => pair[0])
                .ToDictionary(g => g.Key, g => g.First()[1]);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
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
