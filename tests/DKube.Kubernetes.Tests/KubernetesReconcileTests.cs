using DKube.Executors;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

public sealed class KubernetesReconcileTests
{
    [Fact]
    public async Task Reconcile_adopts_what_exists_watches_it_and_calls_the_rest_lost()
    {
        await using var h = await KubernetesHarness.StartAsync();
        // A previous silo's executor submitted these; this one starts afresh.
        await using (var before = new DKube.Executors.Kubernetes.KubernetesExecutor(
            h.Options, new RecordingSink(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<DKube.Executors.Kubernetes.KubernetesExecutor>.Instance))
        {
            await before.SubmitAsync(KubernetesHarness.Run("r-adopt-1"), CancellationToken.None);
            await before.SubmitAsync(KubernetesHarness.Run("r-done-1"), CancellationToken.None);
            await before.SubmitAsync(KubernetesHarness.Ide("i-adopt-1"), CancellationToken.None);
        }

        h.Server.StartJobPod("r-adopt-1", 0, "Running");
        h.Server.CompleteJob("r-done-1");
        h.Server.SetPodPhase("i-adopt-1", "Running");

        var statuses = await h.Executor.ReconcileAsync(["r-adopt-1", "r-done-1", "i-adopt-1", "r-gone-1"], CancellationToken.None);

        Assert.Equal(
            [ExecutionState.Running, ExecutionState.Succeeded, ExecutionState.Running, ExecutionState.Lost],
            statuses.Select(s => s.State));
        h.Server.CompleteJob("r-adopt-1");
        await h.Sink.WaitForAsync("r-adopt-1", ExecutionState.Succeeded);
        Assert.DoesNotContain(h.Sink.Of("r-adopt-1"), s => s.State == ExecutionState.Running); // already known, not reported again
        await h.Executor.StopAsync("i-adopt-1", TimeSpan.Zero, CancellationToken.None);
        await h.Sink.WaitForAsync("i-adopt-1", ExecutionState.Stopped);
    }
}
