using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Integration.Tests.Kubernetes;

/// <summary>
/// A run on a Kubernetes cluster (the protocol-true fake API server) with an input dataset and
/// an output model, over HTTP: the silo stages the input on the cluster's volume claim (seen at
/// its staging path), the Job mounts it; the fake cannot run pods, so the test writes what the
/// pod would have written into the staging path and marks the Job complete; the output then
/// becomes a model version whose lineage names the run and the dataset version.
/// </summary>
public sealed class KubernetesDataFlowTests : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private readonly ServerFixture server;
    private readonly string staging = Directory.CreateTempSubdirectory("dkube-k8s-claim-").FullName;
    private FakeApiServer api = null!;

    public KubernetesDataFlowTests(ServerFixture server) => this.server = server;

    public async Task InitializeAsync()
    {
        api = await FakeApiServer.StartAsync();
        api.AddNode("k1", "16", "64Gi", 4, ready: true);
    }

    public async Task DisposeAsync()
    {
        await api.DisposeAsync();
        Directory.Delete(staging, recursive: true);
    }

    [Fact]
    public async Task A_kubernetes_run_gets_its_input_from_the_claim_and_its_output_becomes_a_model_version_with_lineage()
    {
        var cluster = await server.RegisterKubernetesAsync(api, staging, "k8s");
        var (_, _, client) = await server.NewTenantAsync(2, cluster);
        using var _ = client;
        var dataset = (await client.Post("datasets", new { name = "images" })).Expect(HttpStatusCode.Created)["id"];
        (await client.Upload($"datasets/{dataset}/versions", Archives.Tar(("labels.csv", "cat,dog\n")))).Expect(HttpStatusCode.Created);
        var model = (await client.Post("models", new { name = "classifier" })).Expect(HttpStatusCode.Created)["id"];

        var id = (await client.Post("runs", new
        {
            name = "train", kind = "training", image = "python:3.12", command = "python train.py", gpus = 1, cpus = 2, memoryGiB = 6,
            inputs = new { datasets = new[] { new { name = "images", mountPath = "in" } } },
            output = new { model = "classifier" },
        })).Expect(HttpStatusCode.Created)["id"];

        // The Job appears with the staged input mounted from the claim.
        var execution = await Eventually.Until(
            () => Task.FromResult(api.State.Where(FakeResource.Jobs.Plural, j => j["metadata"]!["name"]!.ToString().StartsWith(id + "-", StringComparison.Ordinal))
                .Select(j => j["metadata"]!["name"]!.ToString()).FirstOrDefault()),
            name => name is not null, what: $"the Job of {id}");
        var container = api.Job(execution!)!.Spec.Template.Spec.Containers.Single();
        var input = container.VolumeMounts.Single(m => m.MountPath == "/dkube/work/in");
        Assert.Equal($"{execution}/inputs/in", input.SubPath);
        Assert.True(input.ReadOnlyProperty);
        Assert.Equal("/dkube/work/output", container.Env.Single(e => e.Name == "DKUBE_OUTPUT_DIR").Value);
        Assert.Equal("2", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("6Gi", container.Resources.Limits["memory"].ToString());
        Assert.Equal("cat,dog\n", await File.ReadAllTextAsync(Path.Combine(staging, execution!, "inputs", "in", "labels.csv")));

        // What the pod would have written, then the Job controller's word that it succeeded.
        await File.WriteAllTextAsync(Path.Combine(staging, execution!, "output", "model.bin"), "weights");
        await File.WriteAllTextAsync(Path.Combine(staging, execution!, "work", "metrics.jsonl"), "{\"accuracy\": 0.91}\n");
        api.CompleteJob(execution!);

        var done = await Eventually.Until(() => client.Get($"runs/{id}"), r => r["status"] is "Complete" or "Failed" or "Error", what: $"{id} ended");
        Assert.True(done["status"] == "Complete", done.Text);
        Assert.Equal(1, done.Json["outputVersion"]!.GetValue<int>());
        Assert.Equal("weights", (await client.DownloadFiles($"models/{model}/versions/1/archive"))["model.bin"]);
        var version = (await client.Get($"models/{model}/versions/1")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(id, version["run"]!.ToString());
        Assert.Equal(0.91, version["lineage"]!["metrics"]!["accuracy"]!.GetValue<double>());
        var edge = Assert.Single((await client.Get($"models/{model}/versions/1/lineage")).Json["edges"]!.AsArray());
        Assert.Equal(id, edge!["run"]!.ToString());
        Assert.Equal(dataset, edge["from"]!["repoId"]!.ToString());
        Assert.Equal(1, edge["from"]!["version"]!.GetValue<int>());
    }
}
