using DKube.Executors;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

public sealed class KubernetesStatusTests
{
    [Fact]
    public async Task Watch_events_drive_a_run_from_pending_with_reasons_to_running_to_succeeded()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-life-1"), CancellationToken.None);
        await h.Sink.WaitForAsync(id, ExecutionState.Pending);

        var pod = h.Server.StartJobPod(id, 0);
        h.Server.SetPodUnschedulable(pod, "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.");
        await h.Sink.WaitForAsync(id, s => s.Reason?.StartsWith("Unschedulable", StringComparison.Ordinal) == true);
        h.Server.SetPodWaiting(pod, "ImagePullBackOff", "Back-off pulling image");
        await h.Sink.WaitForAsync(id, s => s.Reason?.StartsWith("ImagePullBackOff", StringComparison.Ordinal) == true);
        h.Server.SetPodPhase(pod, "Running");
        h.Server.SetJobActive(id, 1);
        await h.Sink.WaitForAsync(id, ExecutionState.Running);
        h.Server.TerminatePod(pod, 0, "Completed");
        h.Server.CompleteJob(id);
        var done = await h.Sink.WaitForAsync(id, ExecutionState.Succeeded);

        Assert.Equal(0, done.ExitCode);
        Assert.Equal(id, done.BackendId);
        var statuses = h.Sink.Of(id);
        var states = statuses.Select(s => s.State).Where((s, i) => i == 0 || s != statuses[i - 1].State).ToList();
        Assert.Equal([ExecutionState.Pending, ExecutionState.Running, ExecutionState.Succeeded], states);
        var reasons = statuses.Select(s => s.Reason ?? "").ToList();
        Assert.True(
            reasons.FindIndex(r => r.Contains("Insufficient nvidia.com/gpu", StringComparison.Ordinal))
                < reasons.FindIndex(r => r.StartsWith("ImagePullBackOff", StringComparison.Ordinal)),
            string.Join(" | ", reasons));
        for (var i = 1; i < statuses.Count; i++)
        {
            Assert.False(
                statuses[i].State == statuses[i - 1].State && statuses[i].Reason == statuses[i - 1].Reason,
                $"status {i} repeats the one before: {statuses[i]}");
        }
    }

    [Fact]
    public async Task A_failed_job_reports_the_workers_exit_code_and_the_jobs_reason()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-fail-1", workers: 1), CancellationToken.None);
        h.Server.StartJobPod(id, 0, "Running");
        var worker = h.Server.StartJobPod(id, 1, "Running");
        await h.Sink.WaitForAsync(id, ExecutionState.Running);

        h.Server.TerminatePod(worker, 3, "Error");
        h.Server.FailJob(id, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        var failed = await h.Sink.WaitForAsync(id, ExecutionState.Failed);

        Assert.Equal(3, failed.ExitCode);
        Assert.Equal("BackoffLimitExceeded", failed.Reason);
    }

    [Fact]
    public async Task An_out_of_memory_kill_is_named_as_such()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-oom-1"), CancellationToken.None);
        var pod = h.Server.StartJobPod(id, 0, "Running");

        h.Server.TerminatePod(pod, 137, "OOMKilled");
        h.Server.FailJob(id, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        var failed = await h.Sink.WaitForAsync(id, ExecutionState.Failed);

        Assert.Equal(137, failed.ExitCode);
        Assert.Equal("OOMKilled", failed.Reason);
    }

    [Fact]
    public async Task A_job_past_its_deadline_fails_with_time_limit()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-late-1"), CancellationToken.None);
        h.Server.StartJobPod(id, 0, "Running");
        await h.Sink.WaitForAsync(id, ExecutionState.Running);

        h.Server.FailJob(id, "DeadlineExceeded", "Job was active longer than specified deadline");

        Assert.Equal("time limit", (await h.Sink.WaitForAsync(id, ExecutionState.Failed)).Reason);
    }

    [Fact]
    public async Task An_ide_follows_its_pods_phase()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Ide("i-life-1"), CancellationToken.None);
        await h.Sink.WaitForAsync(id, ExecutionState.Pending);

        h.Server.SetPodPhase(id, "Running");
        await h.Sink.WaitForAsync(id, ExecutionState.Running);
        await h.Executor.StopAsync(id, TimeSpan.FromSeconds(5), CancellationToken.None);
        await h.Sink.WaitForAsync(id, ExecutionState.Stopped);

        Assert.Null(h.Server.Pod(id));
        Assert.Null(h.Server.Service(id));
        Assert.Contains(h.Server.Requests, r => r.Method == "DELETE" && r.Path.EndsWith("/pods/" + id, StringComparison.Ordinal)
            && r.Body!.Contains("\"gracePeriodSeconds\":5", StringComparison.Ordinal));
    }
}
