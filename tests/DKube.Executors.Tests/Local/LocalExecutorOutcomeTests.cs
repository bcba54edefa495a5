namespace DKube.Executors.Tests.Local;

public class LocalExecutorOutcomeTests : IAsyncLifetime
{
    private readonly LocalHarness _harness;

    /// <summary>Runs start through the compiled helper (<c>dkube-runwrap</c>); <see cref="LocalExecutorOutcomeShellWrapperTests"/> runs the same tests through the shell wrapper.</summary>
    public LocalExecutorOutcomeTests()
        : this(shellWrapper: false)
    {
    }

    protected LocalExecutorOutcomeTests(bool shellWrapper) => _harness = new(shellWrapper);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Exit_zero_reports_running_then_succeeded()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("exit 0");

        var backendId = await executor.SubmitAsync(spec, CancellationToken.None);
        var final = await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Succeeded, final.State);
        Assert.Equal(0, final.ExitCode);
        Assert.Equal([ExecutionState.Running, ExecutionState.Succeeded], _harness.Sink.Of(spec.Id).Select(s => s.State));
        Assert.All(_harness.Sink.Of(spec.Id), s => Assert.Equal(backendId, s.BackendId));
    }

    [Fact]
    public async Task Exit_three_reports_failed_with_exit_code_three()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("echo doomed; exit 3");

        await executor.SubmitAsync(spec, CancellationToken.None);
        var final = await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Failed, final.State);
        Assert.Equal(3, final.ExitCode);
    }

    [Fact]
    public async Task Submitting_the_same_id_twice_starts_it_once()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("echo started >> starts.txt; while [ ! -f go ]; do sleep 0.05; done");

        var first = await executor.SubmitAsync(spec, CancellationToken.None);
        var second = await executor.SubmitAsync(spec, CancellationToken.None);
        await File.WriteAllTextAsync(_harness.FileOf(spec.Id, "go"), "go");
        await _harness.Sink.FinalAsync(spec.Id);
        var afterTheEnd = await executor.SubmitAsync(spec, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(first, afterTheEnd);
        Assert.Single(await File.ReadAllLinesAsync(_harness.FileOf(spec.Id, "starts.txt")));
        Assert.Single(_harness.Sink.Of(spec.Id), s => s.State == ExecutionState.Running);
    }

    [Fact]
    public async Task A_run_over_its_time_limit_is_stopped_and_failed()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("sleep 1000", timeLimit: TimeSpan.FromMilliseconds(300));

        await executor.SubmitAsync(spec, CancellationToken.None);
        var final = await _harness.Sink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Failed, final.State);
        Assert.Contains("time limit", final.Reason, StringComparison.Ordinal);
    }
}

/// <summary>The same tests with the shell wrapper, the fallback where no compiled helper was built.</summary>
public sealed class LocalExecutorOutcomeShellWrapperTests() : LocalExecutorOutcomeTests(shellWrapper: true);
