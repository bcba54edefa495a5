using System.Globalization;
using DKube.Executors.Local;

namespace DKube.Executors.Tests.Local;

/// <summary>
/// Runs are started by one long-lived launcher process per executor, not forked by the server one
/// by one; the launcher is not their record, so they outlive it and their ends are still seen.
/// </summary>
public class LocalLauncherTests : IAsyncLifetime
{
    private readonly LocalHarness _harness;

    /// <summary>Runs start through the compiled helper (<c>dkube-runwrap</c>); <see cref="LocalLauncherShellWrapperTests"/> runs the same tests through the shell wrapper.</summary>
    public LocalLauncherTests()
        : this(shellWrapper: false)
    {
    }

    protected LocalLauncherTests(bool shellWrapper) => _harness = new(shellWrapper);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Runs_are_children_of_one_launcher_in_their_own_sessions_not_of_the_server()
    {
        var executor = _harness.NewExecutor();
        var specs = Enumerable.Range(0, 3).Select(_ => LocalHarness.Spec("while [ ! -f go ]; do sleep 0.05; done")).ToList();

        var pids = new List<int>();
        foreach (var spec in specs)
            pids.Add(int.Parse(await executor.SubmitAsync(spec, CancellationToken.None), CultureInfo.InvariantCulture));
        var parents = pids.Select(ParentOf).ToList();
        var launcher = parents[0];
        foreach (var spec in specs)
            await File.WriteAllTextAsync(_harness.FileOf(spec.Id, "go"), "go");
        foreach (var spec in specs)
            Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);

        Assert.All(parents, p => Assert.Equal(launcher, p));
        Assert.NotEqual(Environment.ProcessId, launcher);
        Assert.Contains("python", await File.ReadAllTextAsync($"/proc/{launcher}/comm"), StringComparison.Ordinal);
        Assert.All(pids, pid => Assert.Equal(pid, ProcFs.ReadStat(pid)?.ProcessGroup ?? pid));
    }

    [Fact]
    public async Task A_run_outlives_a_killed_launcher_its_end_is_still_reported_and_the_next_run_gets_a_new_launcher()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("echo ready > ready.txt; while [ ! -f go ]; do sleep 0.05; done; exit 4");
        var pid = int.Parse(await executor.SubmitAsync(spec, CancellationToken.None), CultureInfo.InvariantCulture);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready.txt"));
        var launcher = ParentOf(pid);

        System.Diagnostics.Process.GetProcessById(launcher).Kill();
        await Eventually.TrueAsync(() => ProcFs.ReadStat(launcher) is not { IsRunning: true }, "the launcher to be gone");
        Assert.True(LocalHarness.IsAlive(pid), "the run died with its launcher");
        await File.WriteAllTextAsync(_harness.FileOf(spec.Id, "go"), "go");
        var final = await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Failed, final.State);
        Assert.Equal(4, final.ExitCode);
        var next = LocalHarness.Spec("exit 0");
        var nextPid = int.Parse(await executor.SubmitAsync(next, CancellationToken.None), CultureInfo.InvariantCulture);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(next.Id)).State);
        Assert.True(nextPid > 0);
    }

    [Fact]
    public async Task A_launched_run_ignores_no_signal_and_holds_no_pipe_or_socket_of_the_server_or_launcher()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("grep SigIgn /proc/$$/status; ls -l /proc/$$/fd/ > fds.txt");

        await executor.SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);
        var log = await File.ReadAllLinesAsync(_harness.FileOf(spec.Id, "output.log"));

        // Signals 1-31 (bits 0-30): none ignored. 32 and 33 are glibc's own, which every glibc program handles itself.
        var ignored = Convert.ToUInt64(log.Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim(), 16);
        Assert.Equal(0UL, ignored & 0x7FFF_FFFFUL);
        // Written to a file, not through a pipe of the run's own shell (which would be listed).
        var descriptors = (await File.ReadAllLinesAsync(_harness.FileOf(spec.Id, "fds.txt"))).Where(l => l.Contains(" -> ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(descriptors);
        Assert.DoesNotContain(descriptors, l => l.Contains("pipe:", StringComparison.Ordinal) || l.Contains("socket:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_command_killed_by_a_signal_fails_with_128_plus_the_signal_as_a_shell_reports_it()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("kill -9 $$");

        await executor.SubmitAsync(spec, CancellationToken.None);
        var final = await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal((ExecutionState.Failed, 137), (final.State, final.ExitCode));
        Assert.Equal("137", (await File.ReadAllTextAsync(Path.Combine(_harness.WorkDir(spec.Id), ".dkube", "exit_code"))).Trim());
    }

    [Fact]
    public async Task Without_the_launcher_interpreter_the_server_starts_runs_itself_each_in_its_own_session_and_their_ends_are_reported()
    {
        var executor = _harness.NewExecutor(launcherPath: Path.Combine(_harness.Root, "no-such-python3"));
        var waiting = LocalHarness.Spec("echo ready > ready.txt; while [ ! -f go ]; do sleep 0.05; done; exit 3");
        var quick = LocalHarness.Spec("echo fallback");

        var pid = int.Parse(await executor.SubmitAsync(waiting, CancellationToken.None), CultureInfo.InvariantCulture);
        await executor.SubmitAsync(quick, CancellationToken.None);
        await Eventually.FileAsync(_harness.FileOf(waiting.Id, "ready.txt"));

        // Forked by the server (through setsid, which execs in place): no launcher in between, yet a session of its own.
        Assert.Equal(Environment.ProcessId, ParentOf(pid));
        Assert.Equal(pid, ProcFs.ReadStat(pid)?.ProcessGroup);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(quick.Id)).State);
        Assert.Contains("fallback", await File.ReadAllTextAsync(_harness.FileOf(quick.Id, "output.log")), StringComparison.Ordinal);
        await File.WriteAllTextAsync(_harness.FileOf(waiting.Id, "go"), "go");
        var final = await _harness.Sink.FinalAsync(waiting.Id);
        Assert.Equal((ExecutionState.Failed, 3), (final.State, final.ExitCode));
    }

    private static int ParentOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }
}

/// <summary>The same tests with the shell wrapper, the fallback where no compiled helper was built.</summary>
public sealed class LocalLauncherShellWrapperTests() : LocalLauncherTests(shellWrapper: true);
