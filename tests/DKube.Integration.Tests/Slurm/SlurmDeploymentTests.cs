using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Serving;

namespace DKube.Integration.Tests.Slurm;

/// <summary>
/// A deployment whose replica is a job of the real Slurm: the model is trained by a Slurm run (its
/// output staged back through the shared folder), the deployment names the Slurm cluster, the
/// replica runs the repository's sklearn server as a Slurm job holding a GPU of the group's pool,
/// the gateway reaches it at the node's address (this one-node Slurm's node is this machine), and
/// deleting the deployment cancels the job.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmDeploymentTests(SlurmLabFixture lab)
{
    [Fact]
    public async Task A_deployment_on_slurm_answers_predictions_through_the_gateway_and_delete_cancels_its_job()
    {
        using var tenant = await lab.NewTenantAsync(gpus: 2);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        await ServingFixture.TrainModelAsync(tenant, "slurm-clf");
        var created = (await tenant.Client.Post("deployments", new
        {
            name = "clf", model = new { name = "slurm-clf" }, cluster = SlurmLabFixture.Cluster, gpus = 1,
        })).Expect(HttpStatusCode.Created).Json;
        var id = created["id"]!.ToString();
        try
        {
            var running = await ServingFixture.WaitForAsync(tenant, id, "Running", ready: 1);

            // The replica is a run of kind inference placed on the Slurm cluster, a Slurm job of its
            // execution's name, reached at the node Slurm ran it on.
            var replica = running.Json["replicaList"]![0]!["workloadId"]!.ToString();
            var run = (await tenant.Client.Get($"runs/{replica}")).Expect(HttpStatusCode.OK).Json;
            var job = $"{replica}-{run["attempt"]!.GetValue<int>()}";
            Assert.Equal("inference", run["kind"]!.ToString());
            Assert.Equal(SlurmLabFixture.Cluster, run["allocation"]!["cluster"]!.ToString());
            Assert.Equal(["RUNNING"], await lab.Slurm.StatesAsync(job));
            var node = (await lab.Slurm.NodesAsync(job)).Single();
            Assert.StartsWith($"http://{node}:", running.Json["replicaList"]![0]!["url"]!.ToString(), StringComparison.Ordinal);
            Assert.Equal(1, (await tenant.Client.Get($"groups/{tenant.Group}/pool")).Json["used"]!.GetValue<int>());

            var (status, body, headers) = await ServingFixture.ServeAsync(http, lab.Server.Server.Url, tenant.Client.Token, HttpMethod.Post,
                $"/serve/{id}/v1/models/clf:predict", """{"instances": [[1, 1], [0, 0]]}""");
            Assert.True(status == HttpStatusCode.OK, body);
            Assert.Equal([1, 0], JsonNode.Parse(body)!["predictions"]!.AsArray().Select(p => p!.GetValue<int>()));
            Assert.False(string.IsNullOrEmpty(headers.GetValues("X-Request-Id").Single()));

            (await tenant.Client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);

            await Eventually.Until(() => lab.Slurm.StatesAsync(job), states => states.Count == 0, what: $"Slurm job {job} cancelled");
            await Eventually.Until(() => tenant.Client.Get($"runs/{replica}"), r => r["status"] == "Stopped", what: "replica stopped");
            await Eventually.Until(() => tenant.Client.Get($"groups/{tenant.Group}/pool"), p => p.Json["used"]!.GetValue<int>() == 0, what: "GPU back in the pool");
            Assert.Equal(HttpStatusCode.NotFound, (await ServingFixture.ServeAsync(http, lab.Server.Server.Url, tenant.Client.Token, HttpMethod.Get, $"/serve/{id}/v2/health/ready")).Status);
        }
        finally
        {
            // Whatever failed above, the shared Slurm keeps no job of this deployment's (its replicas' names start with its id).
            foreach (var left in await lab.Slurm.NamesAsync(id))
            {
                await lab.Slurm.ScancelAsync(left);
            }
        }
    }
}
