using System.Globalization;

namespace DKube.Executors.Tests.Local;

public class LocalExecutorStopTests : IAsyncLifetime
{
    private readonly LocalHarness _harness;

    /// <summary>Runs start through the compiled helper (<c>dkube-runwrap</c>); <see cref="LocalExecutorStopShellWrapperTests"/> runs the same tests through the shell wrapper.</summary>
    public LocalExecutorStopTests()
        : this(shellWrapper: false)
    {
    }

    protected LocalExecutorStopTests(bool shellWrapper) => _harness = new(shellWrapper);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Stop_sends_sigterm_the_run_can_trap_and_reports_stopped()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec(
            "trap 'echo trapped > trapped.txt; exit 0' TERM; echo ready > ready.txt; while :; do sleep 0.05; done",
            kind: WorkloadKind.Ide);

        await executor.SubmitAsync(spec, CancellationToken.None);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready.txt"));
        await executor.StopAsync(spec.Id, TimeSpan.FromSeconds(30), CancellationToken.None);
        var final = await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Stopped, final.State);
        Assert.Equal(0, final.ExitCode);
        Assert.True(File.Exists(_harness.FileOf(spec.Id, "trapped.txt")));
    }

    [Fact]
    public async Task Stop_kills_a_run_that_ignores_sigterm_after_the_grace_period()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("trap '' TERM; echo ready > ready.txt; while :; do sleep 0.05; done");

        var backendId = await executor.SubmitAsync(spec, CancellationToken.None);
        await Eventually.FileAsync(_harness.FileOf(spec.Id, "ready.txt"));
        await executor.StopAsync(spec.Id, TimeSpan.FromMilliseconds(500), CancellationToken.None);
        var final = await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Stopped, final.State);
        Assert.Null(final.ExitCode);
        Assert.Contains("SIGKILL", final.Reason, StringComparison.Ordinal);
        Assert.False(LocalHarness.IsAlive(int.Parse(backendId, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Stop_reaches_every_process_of_the_group()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("sleep 1000 & echo $! > child.pid; wait");

        await executor.SubmitAsync(spec, CancellationToken.None);
        var childPidFile = _harness.FileOf(spec.Id, "child.pid");
        await Eventually.FileAsync(childPidFile);
        var child = int.Parse((await File.ReadAllTextAsync(childPidFile)).Trim(), CultureInfo.InvariantCulture);
        Assert.True(LocalHarness.IsAlive(child));

        await executor.StopAsync(spec.Id, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Equal(ExecutionState.Stopped, (await _harness.Sink.FinalAsync(spec.Id)).State);
        await Eventually.TrueAsync(() => !LocalHarness.IsAlive(child), "the backgrounded child to be gone");
    }

    [Fact]
    public async Task Stopping_an_unknown_id_does_nothing()
    {
        var executor = _harness.NewExecutor();

        await executor.StopAsync("never-submitted", TimeSpan.Zero, CancellationToken.None);

        Assert.Empty(_harness.Sink.Of("never-submitted"));
    }
}

/// <summary>The same tests with the shell wrapper, the fallback where no compiled helper was built.</summary>
public sealed class LocalExecutorStopShellWrapperTests() : LocalExecutorStopTests(shellWrapper: true);
