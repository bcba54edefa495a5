using DKube.Executors;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

/// <summary>An IDE pod is told its port in <c>PORT</c> and reported at its pod address while it runs.</summary>
public sealed class KubernetesEndpointTests
{
    [Fact]
    public async Task A_running_ide_pod_reports_its_pod_address_and_container_port_and_binds_every_address()
    {
        await using var h = await KubernetesHarness.StartAsync();
        var id = await h.Executor.SubmitAsync(KubernetesHarness.Ide("i-endpoint-1") with { ServesHttp = true }, CancellationToken.None);
        var env = h.Server.Pod(id)!.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);

        h.Server.SetPodPhase(id, "Running");
        var withoutAddress = await h.Sink.WaitForAsync(id, ExecutionState.Running);
        h.Server.SetPodRunning(id, "10.1.2.3");
        var running = await h.Sink.WaitForAsync(id, s => s.Endpoint is not null);
        var adopted = Assert.Single(await h.Executor.ReconcileAsync([id], CancellationToken.None));

        Assert.Equal("8888", env[HttpEndpoint.PortVariable]);
        Assert.Equal("0.0.0.0", env[HttpEndpoint.BindAddressVariable]);
        Assert.Null(withoutAddress.Endpoint);
        Assert.Equal("http://10.1.2.3:8888", running.Endpoint);
        Assert.Equal(ExecutionState.Running, running.State);
        Assert.Equal("http://10.1.2.3:8888", adopted.Endpoint);
    }
}
