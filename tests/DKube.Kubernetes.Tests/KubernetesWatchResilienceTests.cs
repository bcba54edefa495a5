using DKube.Executors;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

public sealed class KubernetesWatchResilienceTests
{
    [Fact]
    public async Task A_dropped_watch_resumes_from_its_resource_version_without_missing_an_event()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-drop-1"), CancellationToken.None);
        h.Server.StartJobPod(id, 0, "Running");
        await h.Sink.WaitForAsync(id, ExecutionState.Running);
        var lastSeen = h.Server.State.Version;
        var watchesBefore = h.Count("GET", "/jobs", r => r.IsWatch);

        h.Server.DropWatches();
        h.Server.CompleteJob(id);
        await h.Sink.WaitForAsync(id, ExecutionState.Succeeded);

        Assert.Equal(1, h.Count("GET", "/jobs", r => !r.IsWatch)); // no relist
        var resumed = h.Server.Requests.Where(r => r.IsWatch && r.Path.EndsWith("/jobs", StringComparison.Ordinal)).Skip(watchesBefore).First();
        Assert.True(long.Parse(resumed.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture) <= lastSeen);
        Assert.NotEqual("0", resumed.ResourceVersion);
    }

    [Fact]
    public async Task An_expired_resource_version_makes_the_watch_list_again()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-gone-1"), CancellationToken.None);
        var other = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-gone-2"), CancellationToken.None);
        h.Server.StartJobPod(id, 0, "Running");
        await h.Sink.WaitForAsync(id, ExecutionState.Running);
        await h.Sink.WaitForAsync(other, ExecutionState.Pending);

        // History moves on and is compacted while the watch is away; meanwhile one job ends and
        // another is deleted, and neither change can be replayed.
        h.Server.AddNode("unrelated", "4", "16Gi", 0, true);
        h.Server.State.Compact();
        h.Server.DropWatches();
        h.Server.CompleteJob(id);
        h.Server.State.Compact();
        h.Server.State.Remove("jobs", other);
        h.Server.State.Compact();

        await h.Sink.WaitForAsync(id, ExecutionState.Succeeded);
        await h.Sink.WaitForAsync(other, ExecutionState.Stopped);
        Assert.True(h.Count("GET", "/jobs", r => !r.IsWatch) >= 2, "the jobs were listed again");
    }
}
