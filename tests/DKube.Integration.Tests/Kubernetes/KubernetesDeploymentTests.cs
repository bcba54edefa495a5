using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Integration.Tests.Kubernetes;

/// <summary>
/// A deployment on a Kubernetes cluster (the protocol-true fake API server) over HTTP: its replica
/// is a Pod plus a Service in the cluster's namespace, with the runtime's image, command, port,
/// resources, GPU limit, production placement and DKube's labels, the model version staged on the
/// cluster's volume claim. The fake runs no pod, so nothing answers at the Service's address and
/// the gateway has no route to the replica: the test moves the pod through what the kubelet would
/// report and asserts what the deployment makes of it (Starting while the pod waits or runs unprobed,
/// Error with the container's exit code when it dies before it served, a new pod on start), and that
/// a dead replica's Service and a deleted deployment's Pod and Service are removed.
/// </summary>
public sealed class KubernetesDeploymentTests : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private const string Image = "registry.example/clf-server:1.2";
    private const int Port = 9000;

    private readonly ServerFixture server;
    private readonly string staging = Directory.CreateTempSubdirectory("dkube-k8s-serve-").FullName;
    private FakeApiServer api = null!;

    public KubernetesDeploymentTests(ServerFixture server) => this.server = server;

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        api.AddNode("k1", "16", "64Gi", 4, ready: true, ("production", "true"));
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        Directory.Delete(staging, recursive: true);
    }

    [Fact]
    public async Task A_deployment_on_kubernetes_is_a_pod_and_service_per_replica_its_status_follows_the_pod_and_delete_removes_them()
    {
        var cluster = await server.RegisterKubernetesAsync(api, staging, "k8s-serve");
        var (group, _, client) = await server.NewTenantAsync(2, cluster);
        using var _ = client;
        var model = (await client.Post("models", new { name = "k8s-clf" })).Expect(HttpStatusCode.Created)["id"];
        (await client.Upload($"models/{model}/versions", Archives.Tar(("model.joblib", "weights")))).Expect(HttpStatusCode.Created);

        var id = (await client.Post("deployments", new
        {
            name = "clf", model = new { name = "k8s-clf" }, cluster, production = true, gpus = 1, cpu = new { min = 2 }, memoryGiB = new { min = 4 },
            serving = new { runtime = "custom", image = Image, command = "exec python serve.py --model \"$DKUBE_MODEL_DIR\"", port = Port },
        })).Expect(HttpStatusCode.Created)["id"];

        var pod = await PodOfReplicaAsync(client, id, except: null);
        var spec = api.Pod(pod)!;
        var service = api.Service(pod)!;
        var container = spec.Spec.Containers.Single();
        var env = container.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(Image, container.Image);
        Assert.Equal(["/bin/sh", "-c"], container.Command.Take(2));
        Assert.Contains("exec python serve.py --model \"$DKUBE_MODEL_DIR\"", container.Command[2], StringComparison.Ordinal);
        Assert.Contains($"DKUBE_DEPLOYMENT_ID='{id}'", container.Command[2], StringComparison.Ordinal);
        Assert.Equal(Port, container.Ports.Single().ContainerPort);
        Assert.Equal(Port.ToString(System.Globalization.CultureInfo.InvariantCulture), env["PORT"]);
        Assert.Equal("0.0.0.0", env["DKUBE_BIND_ADDRESS"]);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("2", container.Resources.Limits["cpu"].ToString());
        Assert.Equal("4Gi", container.Resources.Limits["memory"].ToString());
        Assert.Equal("2", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("true", spec.Spec.NodeSelector["production"]);
        Assert.Equal("inference", spec.Metadata.Labels["dkube.io/kind"]);
        Assert.Equal(pod, spec.Metadata.Labels["dkube.io/run"]);
        Assert.Equal(group, spec.Metadata.Labels["dkube.io/group"]);
        // The model version is staged on the claim and mounted where DKUBE_MODEL_DIR points.
        var mount = container.VolumeMounts.Single(m => m.MountPath == "/dkube/work/model");
        Assert.Equal($"{pod}/inputs/model", mount.SubPath);
        Assert.Equal("weights", await File.ReadAllTextAsync(Path.Combine(staging, pod, "inputs", "model", "model.joblib")));
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Equal(pod, service.Spec.Selector["dkube.io/run"]);
        Assert.Equal(Port, service.Spec.Ports.Single().Port);
        Assert.Equal("inference", service.Metadata.Labels["dkube.io/kind"]);
        Assert.Equal(1, (await client.Get($"groups/{group}/pool")).Json["used"]!.GetValue<int>());

        // The image cannot be pulled: the replica waits with the kubelet's reason, the deployment starts.
        api.SetPodWaiting(pod, "ImagePullBackOff", "Back-off pulling image");
        await Eventually.Until(() => client.Get($"runs/{ReplicaOf(pod)}"), r => r.Json["reason"]?.ToString().Contains("ImagePullBackOff", StringComparison.Ordinal) == true,
            what: "the replica's reason from its pod");
        Assert.Equal("Starting", (await client.Get($"deployments/{id}"))["status"]);

        // Running: the replica is addressed at its Service's name; nothing answers there (no real
        // pod), so it is not ready and the deployment stays Starting with no ready replica.
        api.SetPodRunning(pod, "10.1.2.3");
        var addressed = await Eventually.Until(() => client.Get($"deployments/{id}"), r => r.Json["replicaList"]?[0]?["url"] is not null,
            what: "the replica's address");
        Assert.Equal($"http://{pod}.{FakeApiServer.Namespace}.svc.cluster.local:{Port}", addressed.Json["replicaList"]![0]!["url"]!.ToString());
        Assert.Equal("Starting", addressed["status"]);
        Assert.Equal(0, addressed.Json["replicas"]!["ready"]!.GetValue<int>());
        Assert.Equal("Running", (await client.Get($"runs/{ReplicaOf(pod)}"))["status"]);

        // The container dies before it ever served: the deployment is in Error saying why; the
        // Service goes (it routes to nothing), the terminated pod stays, as a finished Job's pods do.
        api.TerminatePod(pod, 137, "OOMKilled");
        var failed = await Eventually.Until(() => client.Get($"deployments/{id}"), r => r["status"] == "Error", what: "deployment in Error");
        Assert.Contains("137", failed["reason"], StringComparison.Ordinal);
        await Eventually.Until(() => Task.FromResult(api.Service(pod) is null), gone => gone, what: $"service {pod} deleted");
        Assert.Equal("Failed", api.Pod(pod)!.Status.Phase);
        await Eventually.Until(() => client.Get($"groups/{group}/pool"), p => p.Json["used"]!.GetValue<int>() == 0, what: "GPU back in the pool");

        // Started again: a new replica, a new pod and Service; deleting the deployment removes them.
        (await client.Post($"deployments/{id}/start")).Expect(HttpStatusCode.OK);
        var second = await PodOfReplicaAsync(client, id, except: ReplicaOf(pod));
        Assert.NotEqual(pod, second);
        Assert.NotNull(api.Service(second));
        Assert.Equal("Starting", (await client.Get($"deployments/{id}"))["status"]);

        (await client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);
        await ObjectsGoneAsync(second);
        (await client.Get($"deployments/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        await Eventually.Until(() => client.Get($"groups/{group}/pool"), p => p.Json["used"]!.GetValue<int>() == 0, what: "GPU back in the pool");
        // Nothing of the deployment is left serving or addressed in the namespace.
        Assert.Empty(api.State.Where(FakeResource.Services.Plural, s => s["metadata"]!["name"]!.ToString().StartsWith(id, StringComparison.Ordinal)));
        Assert.Equal([pod], api.State.Where(FakeResource.Pods.Plural, p => p["metadata"]!["name"]!.ToString().StartsWith(id, StringComparison.Ordinal))
            .Select(p => p["metadata"]!["name"]!.ToString()));
    }

    /// <summary>The name of the pod (and Service) of the deployment's replica (other than <paramref name="except"/>), once it exists.</summary>
    private async Task<string> PodOfReplicaAsync(ApiClient client, string deployment, string? except)
    {
        var replica = await Eventually.Until(
            async () => (await client.Get($"deployments/{deployment}")).Json["replicaList"]!.AsArray()
                .Select(r => r!["workloadId"]!.ToString()).FirstOrDefault(w => w != except),
            w => w is not null, what: $"a replica of {deployment}");
        var attempt = (await client.Get($"runs/{replica}")).Json["attempt"]!.GetValue<int>();
        var pod = $"{replica}-{attempt}";
        await Eventually.Until(() => Task.FromResult(api.Pod(pod) is not null && api.Service(pod) is not null), made => made, what: $"pod and service {pod}");
        return pod;
    }

    private static string ReplicaOf(string pod) => pod[..pod.LastIndexOf('-')];

    private Task ObjectsGoneAsync(string pod) =>
        Eventually.Until(() => Task.FromResult(api.Pod(pod) is null && api.Service(pod) is null), gone => gone, what: $"pod and service {pod} deleted");
}
