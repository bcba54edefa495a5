using DKube.Executors;
using DKube.Executors.Kubernetes;
using DKube.Kubernetes.Tests.Fake;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKube.Kubernetes.Tests;

public sealed class KubernetesSubmitTests
{
    [Fact]
    public async Task A_run_becomes_an_indexed_job_with_one_pod_per_worker_and_its_resources()
    {
        await using var h = await KubernetesHarness.StartAsync();

        var name = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-0123456789ab-1", workers: 2, gpus: 2), CancellationToken.None);

        Assert.Equal("r-0123456789ab-1", name);
        var job = h.Server.Job(name)!;
        Assert.Equal(3, job.Spec.Parallelism);
        Assert.Equal(3, job.Spec.Completions);
        Assert.Equal(0, job.Spec.BackoffLimit);
        Assert.Equal(5400, job.Spec.ActiveDeadlineSeconds);
        var pod = job.Spec.Template.Spec;
        Assert.Equal("Never", pod.RestartPolicy);
        Assert.Equal(new Dictionary<string, string> { ["gpu-type"] = "a100", ["infiniband"] = "true" }, pod.NodeSelector);
        var container = Assert.Single(pod.Containers);
        Assert.Equal("pytorch/pytorch:2.4", container.Image);
        Assert.Equal(["/bin/sh", "-c", "python train.py --epochs 3"], container.Command);
        Assert.Equal("2", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("1500m", container.Resources.Limits["cpu"].ToString());
        Assert.Equal("8Gi", container.Resources.Limits["memory"].ToString());
        var env = container.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("3", env["EPOCHS"]);
        Assert.Equal(name, env["DKUBE_RUN_ID"]);
        Assert.Equal("alice@example.com", env["DKUBE_USER"]); // the spec cannot override DKube's own variables
        Assert.Equal("vision team", env["DKUBE_GROUP"]);
        foreach (var labels in new[] { job.Metadata.Labels, job.Spec.Template.Metadata.Labels })
        {
            Assert.Equal(name, labels["dkube.io/run"]);
            Assert.Equal("alice-example.com", labels["dkube.io/user"]);
            Assert.Equal("vision-team", labels["dkube.io/group"]);
        }
    }

    [Fact]
    public async Task A_run_without_gpus_asks_for_none()
    {
        await using var h = await KubernetesHarness.StartAsync();

        var name = await h.Executor.SubmitAsync(KubernetesHarness.Run("r-cpu-1", gpus: 0), CancellationToken.None);

        Assert.DoesNotContain("nvidia.com/gpu", h.Server.Job(name)!.Spec.Template.Spec.Containers[0].Resources.Limits.Keys);
    }

    [Fact]
    public async Task A_run_without_an_image_is_refused_before_anything_is_created()
    {
        await using var h = await KubernetesHarness.StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            h.Executor.SubmitAsync(KubernetesHarness.Run("r-noimage-1") with { Image = null }, CancellationToken.None));

        Assert.Equal(0, h.Count("POST", "/jobs"));
    }

    [Fact]
    public async Task Submitting_twice_creates_one_job_and_returns_its_name_both_times()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var spec = KubernetesHarness.Run("r-twice-1");

        var first = await h.Executor.SubmitAsync(spec, CancellationToken.None);
        var second = await h.Executor.SubmitAsync(spec, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Equal(2, h.Count("POST", "/jobs"));
        Assert.Single(h.Server.State.List("jobs", null).Items);
        await h.Sink.WaitForAsync(first, ExecutionState.Pending);
        h.Server.CompleteJob(first);
        await h.Sink.WaitForAsync(first, ExecutionState.Succeeded);
        // Watch events are handled in order: once Succeeded is in, a repeated Pending would be in too.
        Assert.Equal([ExecutionState.Pending, ExecutionState.Succeeded], h.Sink.Of(first).Select(s => s.State));
    }

    [Fact]
    public async Task A_new_executor_submitting_an_id_that_exists_creates_nothing_and_watches_it()
    {
        // The silo whose agent submitted it died; the agent's next activation (a new executor on
        // another silo) is asked again with the same execution id.
        await using var h = await KubernetesHarness.StartAsync();
        var spec = KubernetesHarness.Run("r-moved-1");
        var first = await h.Executor.SubmitAsync(spec, CancellationToken.None);
        var sink = new RecordingSink();
        await using var after = new KubernetesExecutor(h.Options, sink, TimeProvider.System, NullLogger<KubernetesExecutor>.Instance);

        var again = await after.SubmitAsync(spec, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(h.Server.State.List("jobs", null).Items);
        h.Server.CompleteJob(first);
        await sink.WaitForAsync(first, ExecutionState.Succeeded);
    }

    [Fact]
    public async Task An_ide_becomes_a_pod_and_a_cluster_ip_service_with_the_same_labels()
    {
        await using var h = await KubernetesHarness.StartAsync();

        var name = await h.Executor.SubmitAsync(KubernetesHarness.Ide("i-0123456789ab-1"), CancellationToken.None);

        Assert.Null(h.Server.Job(name));
        var pod = h.Server.Pod(name)!;
        var service = h.Server.Service(name)!;
        Assert.Equal("Never", pod.Spec.RestartPolicy);
        Assert.Equal("1", pod.Spec.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal(8888, pod.Spec.Containers[0].Ports[0].ContainerPort);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal(new Dictionary<string, string> { ["dkube.io/run"] = name }, service.Spec.Selector);
        Assert.Equal(8888, service.Spec.Ports[0].Port);
        Assert.Equal(pod.Metadata.Labels, service.Metadata.Labels);
        Assert.Equal("ide", pod.Metadata.Labels["dkube.io/kind"]);
    }
}
