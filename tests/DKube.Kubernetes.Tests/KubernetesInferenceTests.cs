using DKube.Executors;
using DKube.Executors.Kubernetes;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

/// <summary>
/// A deployment's replica (work of kind inference) runs as a Pod behind a Service of its own,
/// placed like a run (node labels, GPUs), and is reported at its Service's name while it runs.
/// </summary>
public sealed class KubernetesInferenceTests
{
    private static ExecutionSpec Replica(string id) => KubernetesHarness.Run(id, gpus: 1) with
    {
        Kind = WorkloadKind.Inference,
        Command = "exec python server.py",
        NodeAffinity = ["production"],
        TimeLimit = null,
        ServesHttp = true,
        BackendOptions = new Dictionary<string, string> { [KubernetesBackendOptions.Port] = "9000" },
    };

    [Fact]
    public async Task A_replica_is_a_pod_and_service_on_production_nodes_reported_at_the_services_name_once_running()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(Replica("d-abc-r1"), CancellationToken.None);
        var pod = h.Server.Pod(id)!;
        var service = h.Server.Service(id)!;
        var env = pod.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);

        h.Server.SetPodRunning(id, "10.1.2.3");
        var running = await h.Sink.WaitForAsync(id, s => s.State == ExecutionState.Running && s.Endpoint is not null);
        var adopted = Assert.Single(await h.Executor.ReconcileAsync([id], CancellationToken.None));

        Assert.Null(h.Server.Job(id));
        Assert.Equal("inference", pod.Metadata.Labels[KubernetesLabels.Kind]);
        Assert.Equal("true", pod.Spec.NodeSelector["production"]);
        Assert.Equal("1", pod.Spec.Containers[0].Resources.Limits[KubernetesManifests.GpuResource].ToString());
        Assert.Equal("9000", env[HttpEndpoint.PortVariable]);
        Assert.Equal("0.0.0.0", env[HttpEndpoint.BindAddressVariable]);
        Assert.Equal(id, service.Spec.Selector[KubernetesLabels.Run]);
        Assert.Equal(9000, service.Spec.Ports[0].Port);
        Assert.Equal($"http://{id}.{FakeApiServer.Namespace}.svc.cluster.local:9000", running.Endpoint);
        Assert.Equal(running.Endpoint, adopted.Endpoint);
    }

    [Fact]
    public async Task A_clusters_registered_dns_domain_names_the_service_a_replica_is_reported_at()
    {
        await using var server = await FakeApiServer.StartAsync();
        // The settings as POST /clusters stores them: the domain is read, not left at cluster.local.
        var options = KubernetesOptions.FromSettings(new Dictionary<string, string>
        {
            ["kubeconfig"] = server.Kubeconfig, ["namespace"] = FakeApiServer.Namespace, ["clusterDomain"] = "corp.example",
        });
        var sink = new RecordingSink();
        await using var executor = new KubernetesExecutor(options, sink, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<KubernetesExecutor>.Instance);
        var id = await executor.SubmitAsync(Replica("d-abc-r3"), CancellationToken.None);

        server.SetPodRunning(id, "10.1.2.5");
        var running = await sink.WaitForAsync(id, s => s.State == ExecutionState.Running && s.Endpoint is not null);
        var adopted = Assert.Single(await executor.ReconcileAsync([id], CancellationToken.None));

        Assert.Equal("corp.example", options.ClusterDomain);
        Assert.Equal($"http://{id}.{FakeApiServer.Namespace}.svc.corp.example:9000", running.Endpoint);
        Assert.Equal(running.Endpoint, adopted.Endpoint);
        Assert.Equal("cluster.local", KubernetesOptions.FromSettings(new Dictionary<string, string>()).ClusterDomain);
    }

    [Fact]
    public async Task A_replica_that_crashes_is_reported_failed_with_its_exit_code_and_its_service_goes_when_stopped()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(Replica("d-abc-r2"), CancellationToken.None);
        h.Server.SetPodRunning(id, "10.1.2.4");
        await h.Sink.WaitForAsync(id, ExecutionState.Running);

        h.Server.TerminatePod(id, 137, "OOMKilled");
        var failed = await h.Sink.WaitForAsync(id, ExecutionState.Failed);
        await h.Executor.StopAsync(id, TimeSpan.Zero, CancellationToken.None);

        Assert.Equal(137, failed.ExitCode);
        Assert.Equal("OOMKilled", failed.Reason);
        Assert.Null(failed.Endpoint);
        Assert.Null(h.Server.Service(id));
    }
}
