using System.Diagnostics;
using System.Globalization;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// Counts the programs this process and its children (the local launcher) exec from now until
/// <see cref="StopAsync"/>, inherited by every process they start: <c>perf stat</c> on the
/// <c>sched:sched_process_exec</c> tracepoint, counted in the kernel, so the other users of a
/// shared machine are not counted and the server is not slowed. Null when perf cannot attach.
/// </summary>
public sealed class ExecCounter
{
    private readonly Process _perf;

    private ExecCounter(Process perf) => _perf = perf;

    public static async Task<ExecCounter?> StartAsync()
    {
        var pids = new List<int> { Environment.ProcessId };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && ParentOf(pid) == Environment.ProcessId)
            {
                pids.Add(pid);
            }
        }

        try
        {
            var info = new ProcessStartInfo("perf", ["stat", "-x", ",", "-e", "sched:sched_process_exec", "-p", string.Join(',', pids)])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var perf = Process.Start(info)!;
            // perf attaches to every thread before it counts; a start still racing it would be missed.
            await Task.Delay(TimeSpan.FromSeconds(1));
            return perf.HasExited ? null : new ExecCounter(perf);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Stops counting; the execs seen, or null when perf said nothing readable.</summary>
    public async Task<long?> StopAsync()
    {
        // perf prints its counts on SIGINT; sent without starting a `kill`, which perf would count.
        _ = Kill(_perf.Id, SigInt);

        var output = await _perf.StandardError.ReadToEndAsync();
        await _perf.WaitForExitAsync();
        _perf.Dispose();
        var line = output.Split('\n').FirstOrDefault(l => l.Contains("sched_process_exec", StringComparison.Ordinal));
        return line is not null && long.TryParse(line.Split(',')[0], CultureInfo.InvariantCulture, out var execs) ? execs : null;
    }

    private const int SigInt = 2;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
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
}
