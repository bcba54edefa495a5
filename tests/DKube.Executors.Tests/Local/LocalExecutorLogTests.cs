namespace DKube.Executors.Tests.Local;

public sealed class LocalExecutorLogTests : IAsyncLifetime
{
    private readonly LocalHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task The_log_holds_stdout_and_stderr_from_the_start()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("echo to-stdout; echo to-stderr >&2; printf 'no newline'");

        await executor.SubmitAsync(spec, CancellationToken.None);
        await _harness.Sink.FinalAsync(spec.Id);
        var lines = await executor.ReadLogAsync(spec.Id, follow: false, CancellationToken.None).ToListAsync();

        Assert.Equal(["to-stdout", "to-stderr", "no newline"], lines);
    }

    [Fact]
    public async Task Following_sees_lines_written_after_the_read_started_and_ends_with_the_run()
    {
        var executor = _harness.NewExecutor();
        var spec = LocalHarness.Spec("echo first; while [ ! -f go ]; do sleep 0.05; done; echo second");
        using var safety = new CancellationTokenSource(Eventually.DefaultTimeout);

        await executor.SubmitAsync(spec, CancellationToken.None);
        await using var log = executor.ReadLogAsync(spec.Id, follow: true, safety.Token).GetAsyncEnumerator(safety.Token);

        Assert.True(await log.MoveNextAsync());
        Assert.Equal("first", log.Current);
        await File.WriteAllTextAsync(_harness.FileOf(spec.Id, "go"), "go");
        Assert.True(await log.MoveNextAsync());
        Assert.Equal("second", log.Current);
        Assert.False(await log.MoveNextAsync());
    }

    [Fact]
    public async Task An_unknown_id_has_an_empty_log()
    {
        var executor = _harness.NewExecutor();

        Assert.Empty(await executor.ReadLogAsync("never-submitted", follow: true, CancellationToken.None).ToListAsync());
    }
}
