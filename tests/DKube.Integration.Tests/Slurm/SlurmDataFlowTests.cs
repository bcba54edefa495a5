using System.Net;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;

namespace DKube.Integration.Tests.Slurm;

/// <summary>
/// A run on the real Slurm gets its input dataset and gives back its output model through the
/// cluster's shared folder: the job reads the staged input in its working folder, writes the
/// output, and the output becomes a model version whose lineage names the run and the dataset version.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmDataFlowTests(SlurmLabFixture lab)
{
    [Fact]
    public async Task A_slurm_run_reads_its_input_dataset_and_its_output_becomes_a_model_version_with_lineage()
    {
        using var tenant = await lab.NewTenantAsync();
        var client = tenant.Client;
        var dataset = (await client.Post("datasets", new { name = "points" })).Expect(HttpStatusCode.Created)["id"];
        (await client.Upload($"datasets/{dataset}/versions", Archives.Tar(("data.csv", "1,2,3\n")))).Expect(HttpStatusCode.Created);
        var model = (await client.Post("models", new { name = "summed" })).Expect(HttpStatusCode.Created)["id"];

        // The job proves where it runs (its working folder is under the shared folder), reads the
        // input at its mount path, and writes the output and a metric.
        const string command = "case \"$PWD\" in \"$SHARED\"/*) ;; *) echo \"not in the shared folder: $PWD\"; exit 7;; esac; "
            + "awk -F, '{print $1+$2+$3}' in/data.csv > \"$DKUBE_OUTPUT_DIR/sum.txt\"; "
            + "echo '{\"accuracy\": 0.75}' >> \"$DKUBE_METRICS_FILE\"; echo wrote-output";
        var id = (await tenant.Submit("sum", 1, command.Replace("$SHARED", lab.SharedPath, StringComparison.Ordinal), new
        {
            inputs = new { datasets = new[] { new { name = "points", mountPath = "in" } } },
            output = new { model = "summed" },
        })).Expect(HttpStatusCode.Created)["id"];

        var done = await Eventually.Until(() => client.Get($"runs/{id}"), r => r["status"] is "Complete" or "Failed" or "Error", what: $"{id} ended");
        Assert.True(done["status"] == "Complete", done.Text + (await client.Get($"runs/{id}/logs")).Text);
        Assert.Equal(1, done.Json["outputVersion"]!.GetValue<int>());
        Assert.Contains("wrote-output", (await client.Get($"runs/{id}/logs")).Text, StringComparison.Ordinal);

        Assert.Equal("6", (await client.DownloadFiles($"models/{model}/versions/1/archive"))["sum.txt"].Trim());
        var version = (await client.Get($"models/{model}/versions/1")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(id, version["run"]!.ToString());
        Assert.Equal(0.75, version["lineage"]!["metrics"]!["accuracy"]!.GetValue<double>());
        var graph = (await client.Get($"models/{model}/versions/1/lineage")).Expect(HttpStatusCode.OK).Json;
        var edge = Assert.Single(graph["edges"]!.AsArray());
        Assert.Equal(id, edge!["run"]!.ToString());
        Assert.Equal(dataset, edge["from"]!["repoId"]!.ToString());
        Assert.Equal(1, edge["from"]!["version"]!.GetValue<int>());
        Assert.Contains(id, (await client.Get($"datasets/{dataset}/versions/1")).Json["usedBy"]!.AsArray().Select(r => r!.ToString()));
    }

    [Fact]
    public async Task A_run_with_an_input_on_a_slurm_cluster_without_a_shared_folder_ends_in_Error_saying_why()
    {
        using var op = lab.Server.Operator;
        var cluster = lab.Server.UniqueName("noshare");
        var body = new Dictionary<string, object?>
        {
            ["name"] = cluster, ["kind"] = "slurm", ["endpoint"] = lab.Slurm.Endpoint, ["user"] = lab.Slurm.User, ["token"] = lab.Slurm.Token,
            ["apiVersion"] = lab.Slurm.ApiVersion, ["outputDirectory"] = lab.Slurm.JobsDirectory,
        };
        (await op.Post("clusters", body)).Expect(HttpStatusCode.Created);
        var (group, user, client) = await lab.Server.NewTenantAsync(1, cluster);
        using var tenant = new Tenant(group, user, client);
        var dataset = (await tenant.Client.Post("datasets", new { name = "d" })).Expect(HttpStatusCode.Created)["id"];
        (await tenant.Client.Upload($"datasets/{dataset}/versions", Archives.Tar(("x", "1")))).Expect(HttpStatusCode.Created);

        var id = (await tenant.Submit("needs-data", 1, "true", new { inputs = new { datasets = new[] { new { name = "d", mountPath = "in" } } } }))
            .Expect(HttpStatusCode.Created)["id"];

        await tenant.WaitForStatus(id, "Error");
        Assert.Contains("sharedPath", (await tenant.Client.Get($"runs/{id}"))["reason"], StringComparison.Ordinal);
    }
}
