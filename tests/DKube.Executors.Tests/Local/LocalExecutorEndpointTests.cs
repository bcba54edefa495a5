using System.Globalization;

namespace DKube.Executors.Tests.Local;

/// <summary>
/// Work that serves HTTP gets a loopback port of its own in <c>PORT</c> and reports
/// <c>http://127.0.0.1:port</c> as its endpoint while it runs; a restarted server reports the same one.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LocalExecutorEndpointTests : IAsyncLifetime
{
    private const int UidBase = 232000;

    // Debian's interpreter: a run's account cannot reach the pyenv under root's home.
    private const string Server = "echo \"$PORT $DKUBE_BIND_ADDRESS\" > port.txt; id -u > uid.txt; exec /usr/bin/python3 -m http.server \"$PORT\" --bind \"$DKUBE_BIND_ADDRESS\"";

    private readonly LocalHarness _harness = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _harness.DisposeAsync().AsTask();

    [Fact]
    public async Task Each_server_gets_its_own_loopback_port_reports_it_as_its_endpoint_and_runs_as_its_users_account()
    {
        Assert.True(Environment.IsPrivilegedProcess, "runs execute as other accounts only under a root server: run as root, as CI does");
        var executor = _harness.NewExecutor(runUidBase: UidBase);
        var first = LocalHarness.Spec(Server, kind: WorkloadKind.Ide) with { ServesHttp = true };
        var second = LocalHarness.Spec(Server, kind: WorkloadKind.Ide, user: "bob") with { ServesHttp = true };
        var batch = LocalHarness.Spec("echo \"[${PORT:-none}]\" > port.txt");

        await executor.SubmitAsync(first, CancellationToken.None);
        await executor.SubmitAsync(second, CancellationToken.None);
        await executor.SubmitAsync(batch, CancellationToken.None);
        var one = await _harness.Sink.WaitForAsync(first.Id, ExecutionState.Running);
        var two = await _harness.Sink.WaitForAsync(second.Id, ExecutionState.Running);
        await _harness.Sink.FinalAsync(batch.Id);

        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", one.Endpoint);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", two.Endpoint);
        Assert.NotEqual(one.Endpoint, two.Endpoint);
        using var http = new HttpClient();
        foreach (var (spec, status) in new[] { (first, one), (second, two) })
        {
            var answer = await Eventually.Until(() => http.TryGetStringAsync(status.Endpoint! + "/port.txt"), a => a is not null, what: $"{spec.Id} answers");
            Assert.Equal($"{new Uri(status.Endpoint!).Port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1", answer!.Trim());
            var uid = int.Parse(await File.ReadAllTextAsync(_harness.FileOf(spec.Id, "uid.txt")), CultureInfo.InvariantCulture);
            Assert.InRange(uid, UidBase, UidBase + 10);
        }

        Assert.Equal("[none]", (await File.ReadAllTextAsync(_harness.FileOf(batch.Id, "port.txt"))).Trim());
        Assert.All(_harness.Sink.Of(batch.Id), s => Assert.Null(s.Endpoint));
    }

    [Fact]
    public async Task A_restarted_server_adopts_a_server_with_the_same_endpoint_and_an_ended_one_has_none()
    {
        var before = _harness.NewExecutor();
        var spec = LocalHarness.Spec(Server, kind: WorkloadKind.Ide) with { ServesHttp = true };
        await before.SubmitAsync(spec, CancellationToken.None);
        var running = await _harness.Sink.WaitForAsync(spec.Id, ExecutionState.Running);
        await before.DisposeAsync();

        var afterSink = new RecordingSink();
        var after = _harness.NewExecutor(afterSink);
        var adopted = Assert.Single(await after.ReconcileAsync([spec.Id], CancellationToken.None));
        await after.StopAsync(spec.Id, TimeSpan.FromSeconds(5), CancellationToken.None);
        var final = await afterSink.FinalAsync(spec.Id);

        Assert.Equal(ExecutionState.Running, adopted.State);
        Assert.Equal(running.Endpoint, adopted.Endpoint);
        Assert.NotNull(adopted.Endpoint);
        Assert.Equal(ExecutionState.Stopped, final.State);
        Assert.Null(final.Endpoint);
    }
}
