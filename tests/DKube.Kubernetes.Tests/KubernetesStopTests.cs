using DKube.Executors;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

public sealed class KubernetesStopTests
{
    [Fact]
    public async Task Stop_deletes_the_job_in_the_foreground_and_reports_stopped_once_its_pods_are_gone()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-stop-1"), CancellationToken.None);
        var pod = h.Server.StartJobPod(id, 0, "Running");
        await h.Sink.WaitForAsync(id, ExecutionState.Running);
        h.Server.HoldForegroundDeletions();

        await h.Executor.StopAsync(id, TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.NotNull(h.Server.Job(id)!.Metadata.DeletionTimestamp); // being deleted, but the job still holds its pods
        Assert.NotNull(h.Server.Pod(pod));
        Assert.DoesNotContain(h.Sink.Of(id), s => s.State == ExecutionState.Stopped);
        h.Server.ReleaseForegroundDeletions();
        var stopped = await h.Sink.WaitForAsync(id, ExecutionState.Stopped);

        Assert.Equal("stopped", stopped.Reason);
        Assert.Null(h.Server.Job(id));
        Assert.Null(h.Server.Pod(pod));
        var delete = Assert.Single(h.Server.Requests, r => r.Method == "DELETE" && r.Path.EndsWith("/jobs/" + id, StringComparison.Ordinal));
        Assert.Contains("\"propagationPolicy\":\"Foreground\"", delete.Body, StringComparison.Ordinal);
        Assert.Single(h.Sink.Of(id), s => s.IsFinal);
    }

    [Fact]
    public async Task Stopping_unknown_work_is_ignored()
    {
        await using var h = await KubernetesHarness.StartAsync();

        await h.Executor.StopAsync("r-nobody-1", TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Empty(h.Sink.Of("r-nobody-1"));
        Assert.Equal(3, h.Count("DELETE", "/r-nobody-1"));
    }

    [Fact]
    public async Task A_job_deleted_by_someone_else_is_reported_stopped()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-kubectl-1"), CancellationToken.None);
        await h.Sink.WaitForAsync(id, ExecutionState.Pending);

        h.Server.State.Remove("jobs", id);

        Assert.Equal("deleted outside DKube", (await h.Sink.WaitForAsync(id, ExecutionState.Stopped)).Reason);
    }
}
