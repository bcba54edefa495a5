using System.Globalization;
using DKube.Executors.Local;

namespace DKube.Executors.Tests.Local;

/// <summary>A second executor over the same root stands for the server after a restart.</summary>
public class LocalExecutorReconcileTests : IAsyncLifetime
{
    private readonly LocalHarness _harness;

    /// <summary>Runs start through the compiled helper (<c>dkube-runwrap</c>); <see cref="LocalExecutorReconcileShellWrapperTests"/> runs the same tests through the shell wrapper.</summary>
    public LocalExecutorReconcileTests()
        : this(shellWrapper: false)
    {
    }

    protected LocalExecutorReconcileTests(bool shellWrapper) => _harness = new(shellWrapper);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task A_new_executor_adopts_a_run_that_outlived_the_old_one_and_reports_its_exit()
    {
        var before = _harness.NewExecutor();
        var spec = LocalHarness.Spec("echo started >> starts.txt; echo ready > ready.txt; while [ ! -f go ]; do sleep 0.05; done; exit 5");
        var backendId = await before.SubmitAsync(spec, CancellationToken.None);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready.txt"));
        await before.DisposeAsync();

        var afterSink = new RecordingSink();
        var after = _harness.NewExecutor(afterSink);
        var reconciled = Assert.Single(await after.ReconcileAsync([spec.Id], CancellationToken.None));
        var resubmitted = await after.SubmitAsync(spec, CancellationToken.None);
        await File.WriteAllTextAsync(_harness.FileOf(spec.Id, "go"), "go");
        var final = await afterSink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Running, reconciled.State);
        Assert.Equal(backendId, reconciled.BackendId);
        Assert.Equal(backendId, resubmitted);
        Assert.Equal(ExecutionState.Failed, final.State);
        Assert.Equal(5, final.ExitCode);
        Assert.Single(await File.ReadAllLinesAsync(_harness.FileOf(spec.Id, "starts.txt")));
        Assert.Equal([ExecutionState.Running], _harness.Sink.Of(spec.Id).Select(s => s.State));
    }

    [Fact]
    public async Task A_record_left_by_a_server_that_died_before_the_process_started_is_started_once_by_the_next_submit()
    {
        // The old server wrote the record, then died before the wrapper ran (no pid, no exit code).
        var spec = LocalHarness.Spec("echo started >> starts.txt");
        var paths = new LocalRunPaths(_harness.Root, spec.Id);
        Directory.CreateDirectory(paths.ControlDir);
        await LocalRunFiles.WriteRecordAsync(paths, new LocalRunRecord(spec.Id, spec.Kind, spec.User, spec.Group, DateTimeOffset.UtcNow, null), CancellationToken.None);
        var after = _harness.NewExecutor();
        Assert.Equal(ExecutionState.Lost, Assert.Single(await after.ReconcileAsync([spec.Id], CancellationToken.None)).State);

        await after.SubmitAsync(spec, CancellationToken.None);
        await after.SubmitAsync(spec, CancellationToken.None);
        var final = await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Succeeded, final.State);
        Assert.Single(await File.ReadAllLinesAsync(_harness.FileOf(spec.Id, "starts.txt")));
    }

    [Fact]
    public async Task A_new_executor_reports_the_exit_codes_of_runs_that_ended_meanwhile()
    {
        var before = _harness.NewExecutor();
        var failed = LocalHarness.Spec("exit 7");
        var succeeded = LocalHarness.Spec("exit 0");
        await before.SubmitAsync(failed, CancellationToken.None);
        await before.SubmitAsync(succeeded, CancellationToken.None);
        await _harness.Sink.FinalAsync(failed.Id);
        await _harness.Sink.FinalAsync(succeeded.Id);
        await before.DisposeAsync();

        var after = _harness.NewExecutor(new RecordingSink());
        var statuses = await after.ReconcileAsync([failed.Id, succeeded.Id], CancellationToken.None);

        Assert.Equal(ExecutionState.Failed, statuses[0].State);
        Assert.Equal(7, statuses[0].ExitCode);
        Assert.Equal(ExecutionState.Succeeded, statuses[1].State);
        Assert.Equal(0, statuses[1].ExitCode);
    }

    [Fact]
    public async Task An_id_without_a_trace_is_lost()
    {
        var executor = _harness.NewExecutor();

        var status = Assert.Single(await executor.ReconcileAsync(["never-submitted"], CancellationToken.None));

        Assert.Equal(ExecutionState.Lost, status.State);
        Assert.Contains("no trace", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_that_died_without_an_exit_code_while_nobody_watched_is_lost()
    {
        var before = _harness.NewExecutor();
        var spec = LocalHarness.Spec("echo ready > ready.txt; sleep 1000");
        var pid = int.Parse(await before.SubmitAsync(spec, CancellationToken.None), CultureInfo.InvariantCulture);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready.txt"));
        await before.DisposeAsync();
        PosixSignals.SignalGroup(pid, PosixSignals.SigKill);
        await Eventually.TrueAsync(() => !LocalHarness.IsAlive(pid), "the killed run to be gone");

        var after = _harness.NewExecutor(new RecordingSink());
        var status = Assert.Single(await after.ReconcileAsync([spec.Id], CancellationToken.None));

        Assert.Equal(ExecutionState.Lost, status.State);
        Assert.Contains("server was down", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_executor_can_stop_a_run_it_has_not_reconciled_yet()
    {
        var before = _harness.NewExecutor();
        var spec = LocalHarness.Spec("echo ready > ready.txt; sleep 1000", kind: WorkloadKind.Ide);
        await before.SubmitAsync(spec, CancellationToken.None);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready.txt"));
        await before.DisposeAsync();

        var afterSink = new RecordingSink();
        var after = _harness.NewExecutor(afterSink);
        await after.StopAsync(spec.Id, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(ExecutionState.Stopped, (await afterSink.FinalAsync(spec.Id)).State);
    }
}

/// <summary>The same tests with the shell wrapper, the fallback where no compiled helper was built.</summary>
public sealed class LocalExecutorReconcileShellWrapperTests() : LocalExecutorReconcileTests(shellWrapper: true);
