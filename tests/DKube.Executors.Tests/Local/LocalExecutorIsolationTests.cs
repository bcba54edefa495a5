using System.Globalization;
using DKube.Executors.Local;

namespace DKube.Executors.Tests.Local;

/// <summary>
/// A run started by a root server executes as its user's own unprivileged account, in its own
/// session, and reaches only its own folders. These tests run as root, as CI does.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class LocalExecutorIsolationTests : IAsyncLifetime
{
    private const int UidBase = 231000;
    private readonly LocalHarness _harness;

    /// <summary>Runs start through the compiled helper (<c>dkube-runwrap</c>); <see cref="LocalExecutorIsolationShellWrapperTests"/> runs the same tests through the shell wrapper.</summary>
    public LocalExecutorIsolationTests()
        : this(shellWrapper: false)
    {
    }

    protected LocalExecutorIsolationTests(bool shellWrapper) => _harness = new(shellWrapper);

    public Task InitializeAsync()
    {
        Assert.True(Environment.IsPrivilegedProcess, "these tests start runs as other accounts: run them as root, as CI does");
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Each_user_runs_as_its_own_stable_account_with_no_groups_in_its_own_session()
    {
        var executor = _harness.NewExecutor(runUidBase: UidBase);
        var alice = LocalHarness.Spec("id -u > uid; id -G > groups; read -r _ _ _ _ _ sid _ </proc/$$/stat; echo $sid > sid; echo hi > mine");
        var bob = LocalHarness.Spec("id -u > uid", user: "bob");

        var wrapper = int.Parse(await executor.SubmitAsync(alice, CancellationToken.None), CultureInfo.InvariantCulture);
        await executor.SubmitAsync(bob, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(alice.Id)).State);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(bob.Id)).State);

        var aliceUid = int.Parse(Read(alice.Id, "uid"), CultureInfo.InvariantCulture);
        Assert.InRange(aliceUid, UidBase, UidBase + 10);
        Assert.Equal(aliceUid.ToString(CultureInfo.InvariantCulture), Read(alice.Id, "groups"));
        Assert.Equal(wrapper.ToString(CultureInfo.InvariantCulture), Read(alice.Id, "sid"));
        Assert.NotEqual(aliceUid.ToString(CultureInfo.InvariantCulture), Read(bob.Id, "uid"));
        Assert.Equal(aliceUid, OwnerOf(_harness.FileOf(alice.Id, "mine")));

        // Another executor (a restarted server) gives alice the same account.
        var again = LocalHarness.Spec("id -u > uid");
        await _harness.NewExecutor(runUidBase: UidBase).SubmitAsync(again, CancellationToken.None);
        await _harness.Sink.FinalAsync(again.Id);
        Assert.Equal(aliceUid.ToString(CultureInfo.InvariantCulture), Read(again.Id, "uid"));
    }

    [Fact]
    public async Task A_run_of_its_own_account_has_no_capabilities_no_new_privileges_its_memory_limit_and_its_variables()
    {
        var executor = _harness.NewExecutor(runUidBase: UidBase);
        var spec = LocalHarness.Spec(
            "grep -E '^(CapPrm|CapEff|NoNewPrivs):' /proc/$$/status > status; ulimit -d > limit; read -r _ _ _ parent _ </proc/$$/stat; echo $parent > parent; echo \"$SECRET_TOKEN|$#|$0\" > seen",
            environment: new Dictionary<string, string> { ["SECRET_TOKEN"] = "hunter2" }) with { MemoryGiBPerWorker = 2 };

        var wrapper = await executor.SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);

        var status = Read(spec.Id, "status").Split('\n').Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());
        Assert.Equal("0000000000000000", status["CapPrm"]);
        Assert.Equal("0000000000000000", status["CapEff"]);
        Assert.Equal("1", status["NoNewPrivs"]);
        Assert.Equal((2L * 1024 * 1024).ToString(CultureInfo.InvariantCulture), Read(spec.Id, "limit"));
        // The command's shell is the session leader's own child (setpriv, or the helper's fork, execs it in place).
        Assert.Equal(wrapper, Read(spec.Id, "parent"));
        // Its variables reached the command, which runs with no positional parameters, as `sh -c` would.
        Assert.Equal("hunter2|0|/bin/sh", Read(spec.Id, "seen"));
    }

    [Fact]
    public async Task A_run_cannot_read_root_only_files_or_another_users_run()
    {
        var secret = Path.Combine(_harness.Root, "secrets.key");
        await File.WriteAllTextAsync(secret, "top-secret");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var executor = _harness.NewExecutor(runUidBase: UidBase);
        var bob = LocalHarness.Spec("echo bobs-data > data.txt; sleep 1000", user: "bob");
        await executor.SubmitAsync(bob, CancellationToken.None);
        await Eventually.FileAsync(_harness.FileOf(bob.Id, "data.txt"));

        var bobDir = _harness.WorkDir(bob.Id);
        var alice = LocalHarness.Spec(
            $"cat {secret} > got-secret; cat {bobDir}/data.txt > got-bob; cat {bobDir}/output.log >> got-bob; ls {bobDir} >> got-bob; " +
            $"ls {_harness.Root} > got-listing; echo x > {bobDir}/planted; " +
            "rm -f output.log metrics.jsonl; echo done > done");
        await executor.SubmitAsync(alice, CancellationToken.None);
        await _harness.Sink.FinalAsync(alice.Id);

        Assert.Equal("done", Read(alice.Id, "done"));
        Assert.Equal("", Read(alice.Id, "got-secret"));
        Assert.Equal("", Read(alice.Id, "got-bob"));
        Assert.Equal("", Read(alice.Id, "got-listing"));
        Assert.False(File.Exists(Path.Combine(bobDir, "planted")));
        // The files the server reads back by name are still the server's own.
        Assert.True(File.Exists(_harness.FileOf(alice.Id, "output.log")));
        Assert.True(File.Exists(_harness.FileOf(alice.Id, "metrics.jsonl")));
        await executor.StopAsync(bob.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
    }

    [Fact]
    public async Task Inputs_through_links_are_readable_outputs_writable_and_taken_back_when_the_run_ends()
    {
        var staged = Path.Combine(_harness.StagingRoot, "exec-1");
        var input = Path.Combine(staged, "inputs", "data");
        var output = Path.Combine(staged, "output");
        Directory.CreateDirectory(input);
        Directory.CreateDirectory(output);
        await File.WriteAllTextAsync(Path.Combine(input, "rows.csv"), "a,b\n1,2\n");
        var executor = _harness.NewExecutor(runUidBase: UidBase);
        var spec = LocalHarness.Spec(
            "cat data/rows.csv > seen.csv; mkdir output/sub; echo model > output/sub/model.bin; chmod 777 output/sub",
            mounts: [new VolumeMount(input, "data", ReadOnly: true), new VolumeMount(output, "output", ReadOnly: false)]);
        var other = LocalHarness.Spec($"ls {staged} > listing; cat {input}/rows.csv >> listing", user: "carol");

        await executor.SubmitAsync(spec, CancellationToken.None);
        Assert.Equal(ExecutionState.Succeeded, (await _harness.Sink.FinalAsync(spec.Id)).State);
        await executor.SubmitAsync(other, CancellationToken.None);
        await _harness.Sink.FinalAsync(other.Id);

        Assert.Equal("a,b\n1,2", Read(spec.Id, "seen.csv"));
        Assert.Equal("model", (await File.ReadAllTextAsync(Path.Combine(output, "sub", "model.bin"))).Trim());
        // Ended: the output is root's again and nobody else may write in it.
        Assert.Equal(0, OwnerOf(Path.Combine(output, "sub")));
        Assert.False(File.GetUnixFileMode(Path.Combine(output, "sub")).HasFlag(UnixFileMode.OtherWrite));
        Assert.Equal(0, OwnerOf(Path.Combine(output, "sub", "model.bin")));
        // Another user's run sees nothing of this run's staged folder.
        Assert.Equal("", Read(other.Id, "listing"));
    }

    [Fact]
    public async Task A_callers_variable_reaches_the_command_but_no_process_with_the_servers_privileges()
    {
        var executor = _harness.NewExecutor(runUidBase: UidBase);
        var spec = LocalHarness.Spec(
            "echo \"$LD_PRELOAD|$QUOTED\" > seen; echo ready > ready; sleep 1000",
            environment: new Dictionary<string, string> { ["LD_PRELOAD"] = "/nonexistent/evil.so", ["QUOTED"] = "it's \"$HOME\"" });
        var pid = int.Parse(await executor.SubmitAsync(spec, CancellationToken.None), CultureInfo.InvariantCulture);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready"));

        var wrapperEnvironment = await File.ReadAllTextAsync($"/proc/{pid}/environ");
        Assert.DoesNotContain("LD_PRELOAD", wrapperEnvironment, StringComparison.Ordinal);
        Assert.Equal("/nonexistent/evil.so|it's \"$HOME\"", Read(spec.Id, "seen"));
        await executor.StopAsync(spec.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(ExecutionState.Stopped, (await _harness.Sink.FinalAsync(spec.Id)).State);
    }

    [Fact]
    public async Task A_restarted_executor_adopts_and_stops_a_run_of_another_account_that_ignores_sigterm()
    {
        var before = _harness.NewExecutor(runUidBase: UidBase);
        var spec = LocalHarness.Spec("trap '' TERM; echo ready > ready; while :; do sleep 1; done");
        var pid = int.Parse(await before.SubmitAsync(spec, CancellationToken.None), CultureInfo.InvariantCulture);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready"));
        await before.DisposeAsync();

        var sink = new RecordingSink();
        var after = _harness.NewExecutor(sink, runUidBase: UidBase);
        Assert.Equal(ExecutionState.Running, Assert.Single(await after.ReconcileAsync([spec.Id], CancellationToken.None)).State);
        await after.StopAsync(spec.Id, TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.Equal(ExecutionState.Stopped, (await sink.FinalAsync(spec.Id)).State);
        await Eventually.TrueAsync(() => !ProcFs.GroupHasLiveMembers(pid), "the run's whole group to be gone");
    }

    [Fact]
    public async Task A_run_of_its_own_account_reports_its_commands_exit_code_or_128_plus_its_signal_and_a_stop_reaches_its_children()
    {
        var executor = _harness.NewExecutor(runUidBase: UidBase);
        var failed = LocalHarness.Spec("exit 3");
        var killed = LocalHarness.Spec("kill -9 $$");
        var parent = LocalHarness.Spec("sleep 1000 & echo $! > child.tmp && mv child.tmp child.pid; wait");

        await executor.SubmitAsync(failed, CancellationToken.None);
        await executor.SubmitAsync(killed, CancellationToken.None);
        await executor.SubmitAsync(parent, CancellationToken.None);
        var exited = await _harness.Sink.FinalAsync(failed.Id);
        var signalled = await _harness.Sink.FinalAsync(killed.Id);

        Assert.Equal((ExecutionState.Failed, 3), (exited.State, exited.ExitCode));
        Assert.Equal((ExecutionState.Failed, 137), (signalled.State, signalled.ExitCode));
        Assert.Equal("137", Read(killed.Id, ".dkube/exit_code"));
        await Eventually.FileAsync(_harness.FileOf(parent.Id, "child.pid"));
        var child = int.Parse(Read(parent.Id, "child.pid"), CultureInfo.InvariantCulture);
        Assert.True(LocalHarness.IsAlive(child));
        await executor.StopAsync(parent.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(ExecutionState.Stopped, (await _harness.Sink.FinalAsync(parent.Id)).State);
        await Eventually.TrueAsync(() => !LocalHarness.IsAlive(child), "the run's backgrounded child to be gone");
    }

    [Fact]
    public async Task The_session_leader_is_the_run_helper_and_no_server_secret_reaches_it_or_the_command()
    {
        // A variable of the server's own (a connection string), not one of InheritedEnvironment.
        Environment.SetEnvironmentVariable("DKUBE_TEST_SERVER_SECRET", "server-secret-4711");
        var executor = _harness.NewExecutor(runUidBase: UidBase);
        var spec = LocalHarness.Spec("env > env.txt; echo ready > ready; sleep 1000");

        var pid = int.Parse(await executor.SubmitAsync(spec, CancellationToken.None), CultureInfo.InvariantCulture);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready"));

        // The compiled helper, or the shell wrapper where it is the fallback, leads the run's session (the pid the executor records).
        Assert.Equal(_harness.ShellWrapper ? "sh" : "dkube-runwrap", (await File.ReadAllTextAsync($"/proc/{pid}/comm")).Trim());
        Assert.Equal($"{pid}", Read(spec.Id, ".dkube/pid").Split(' ')[0]);
        Assert.DoesNotContain("server-secret-4711", await File.ReadAllTextAsync($"/proc/{pid}/environ"), StringComparison.Ordinal);
        Assert.DoesNotContain("server-secret-4711", Read(spec.Id, "env.txt"), StringComparison.Ordinal);
        Assert.Contains("DKUBE_RUN_ID=", Read(spec.Id, "env.txt"), StringComparison.Ordinal);
        await executor.StopAsync(spec.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(ExecutionState.Stopped, (await _harness.Sink.FinalAsync(spec.Id)).State);
    }

    private static int OwnerOf(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true })!;
        var text = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return int.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }

    private string Read(string id, string file) =>
        File.Exists(_harness.FileOf(id, file)) ? File.ReadAllText(_harness.FileOf(id, file)).Trim() : "<missing>";
}

/// <summary>The same tests with the shell wrapper, the fallback where no compiled helper was built.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalExecutorIsolationShellWrapperTests() : LocalExecutorIsolationTests(shellWrapper: true);
