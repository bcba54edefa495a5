using DKube.Executors;
using DKube.Kubernetes.Tests.Fake;

namespace DKube.Kubernetes.Tests;

/// <summary>
/// A cluster that declares a volume claim: the Job's pods mount the run's staged inputs, code and
/// output from it at the right paths, with variables that name where the pod sees them, and the
/// silo reads back what the run wrote there.
/// </summary>
public sealed class KubernetesStagingTests : IDisposable
{
    private readonly string staging = Directory.CreateTempSubdirectory("dkube-k8s-staging-").FullName;

    public void Dispose() => Directory.Delete(staging, recursive: true);

    [Fact]
    public async Task The_job_mounts_the_claim_subpaths_of_its_inputs_code_and_output_and_points_its_variables_at_them()
    {
        await using var h = await KubernetesHarness.StartAsync(volumeClaim: "dkube-runs", stagingPath: staging);
        const string id = "r-staged-1";
        var input = Path.Combine(staging, id, "inputs", "data");
        var code = Path.Combine(staging, id, "code");
        var output = Path.Combine(staging, id, "output");
        foreach (var folder in new[] { input, code, output })
        {
            Directory.CreateDirectory(folder);
        }

        var spec = KubernetesHarness.Run(id, gpus: 0) with
        {
            Mounts = [new VolumeMount(input, "data", ReadOnly: true), new VolumeMount(code, "code", ReadOnly: false), new VolumeMount(output, "output", ReadOnly: false)],
            Environment = new Dictionary<string, string> { ["DKUBE_CODE_DIR"] = code, ["DKUBE_OUTPUT_DIR"] = output, ["EPOCHS"] = "3" },
        };

        await h.Executor.SubmitAsync(spec, CancellationToken.None);

        var pod = h.Server.Job(id)!.Spec.Template.Spec;
        var volume = Assert.Single(pod.Volumes);
        Assert.Equal("dkube-runs", volume.PersistentVolumeClaim.ClaimName);
        var container = Assert.Single(pod.Containers);
        Assert.Equal("/dkube/work", container.WorkingDir);
        var mounts = container.VolumeMounts.ToDictionary(m => m.MountPath);
        Assert.All(mounts.Values, m => Assert.Equal(volume.Name, m.Name));
        Assert.Equal($"{id}/work", mounts["/dkube/work"].SubPath);
        Assert.Equal($"{id}/inputs/data", mounts["/dkube/work/data"].SubPath);
        Assert.True(mounts["/dkube/work/data"].ReadOnlyProperty);
        Assert.Equal($"{id}/code", mounts["/dkube/work/code"].SubPath);
        Assert.Equal($"{id}/output", mounts["/dkube/work/output"].SubPath);
        Assert.False(mounts["/dkube/work/output"].ReadOnlyProperty);
        var env = container.Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("/dkube/work/output", env["DKUBE_OUTPUT_DIR"]);
        Assert.Equal("/dkube/work/code", env["DKUBE_CODE_DIR"]);
        Assert.Equal("/dkube/work/metrics.jsonl", env["DKUBE_METRICS_FILE"]);
        Assert.Equal("/dkube/work", env["DKUBE_WORK_DIR"]);
        Assert.Equal("3", env["EPOCHS"]);

        // The silo made the working folder on the claim, and reads back the metrics the pod wrote there.
        await File.WriteAllTextAsync(Path.Combine(staging, id, "work", "metrics.jsonl"), "{\"loss\": 0.5}\n{\"loss\": 0.2}\n{\"los");
        Assert.Equal(["{\"loss\": 0.5}", "{\"loss\": 0.2}"], await h.Executor.ReadMetricsAsync(id, CancellationToken.None));
        Assert.Equal(staging, h.Executor.StagingRoot);
    }

    [Fact]
    public async Task Cpus_and_memory_are_both_requested_and_limited()
    {
        await using var h = await KubernetesHarness.StartAsync();

        await h.Executor.SubmitAsync(KubernetesHarness.Run("r-res-1", gpus: 1) with { CpusPerWorker = 3, MemoryGiBPerWorker = 12 }, CancellationToken.None);

        var resources = h.Server.Job("r-res-1")!.Spec.Template.Spec.Containers[0].Resources;
        Assert.Equal("3", resources.Requests["cpu"].ToString());
        Assert.Equal("3", resources.Limits["cpu"].ToString());
        Assert.Equal("12Gi", resources.Requests["memory"].ToString());
        Assert.Equal("12Gi", resources.Limits["memory"].ToString());
        Assert.Equal("1", resources.Limits["nvidia.com/gpu"].ToString());
    }

    [Fact]
    public async Task Without_a_claim_nothing_is_staged_on_it_and_the_silo_reads_no_metrics()
    {
        await using var h = await KubernetesHarness.StartAsync();

        await h.Executor.SubmitAsync(KubernetesHarness.Run("r-plain-1"), CancellationToken.None);

        Assert.Null(h.Server.Job("r-plain-1")!.Spec.Template.Spec.Volumes);
        Assert.Null(h.Executor.StagingRoot);
        Assert.Empty(await h.Executor.ReadMetricsAsync("r-plain-1", CancellationToken.None));
    }
}
