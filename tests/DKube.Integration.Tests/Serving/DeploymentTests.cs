using System.Net;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// Issue 11's scenario over real HTTP on the embedded default: a model trained by a run (real
/// sklearn), deployed with the sklearn runtime (a real Python server per replica), answering
/// through the gateway; tenants of other groups see none of it.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class DeploymentTests(ServingFixture fixture)
{
    [Fact]
    public async Task A_trained_model_deployed_answers_predictions_through_the_gateway_and_other_groups_get_404()
    {
        using var alice = await fixture.NewTenantAsync();
        using var bob = await fixture.NewTenantAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        await ServingFixture.TrainModelAsync(alice, "iris");

        var created = (await alice.Client.Post("deployments", new { name = "clf", model = new { name = "iris" } })).Expect(HttpStatusCode.Created).Json;
        var id = created["id"]!.ToString();
        Assert.Equal(1, created["model"]!["version"]!.GetValue<int>());
        Assert.Equal(new Uri(fixture.Server.Url, $"/serve/{id}").ToString(), created["endpoint"]!.ToString());
        await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);

        var (status, body, headers) = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, $"/serve/{id}/v1/models/clf:predict", """{"instances": [[1, 1], [0, 0]]}""");
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal([1, 0], JsonNode.Parse(body)!["predictions"]!.AsArray().Select(p => p!.GetValue<int>()));
        Assert.False(string.IsNullOrEmpty(headers.GetValues("X-Request-Id").Single()));
        var infer = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, $"/serve/{id}/v2/models/clf/infer",
            """{"inputs": [{"name": "x", "shape": [1, 2], "datatype": "FP64", "data": [1, 0]}]}""");
        Assert.Equal(HttpStatusCode.OK, infer.Status);
        Assert.Equal(1, JsonNode.Parse(infer.Body)!["outputs"]![0]!["data"]![0]!.GetValue<int>());

        // The replica is a run of kind inference under the deployment.
        var replica = (await alice.Client.Get($"deployments/{id}")).Json["replicaList"]![0]!["workloadId"]!.ToString();
        var run = (await alice.Client.Get($"runs/{replica}")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("inference", run["kind"]!.ToString());
        Assert.Equal(id, run["parent"]!["id"]!.ToString());
        Assert.Contains(id, (await alice.Client.Get("deployments")).Items.Select(d => d!["id"]!.ToString()));

        // Another group's member: 404 on everything, the gateway included; no token: 401.
        (await bob.Client.Get($"deployments/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Patch($"deployments/{id}", new { maxReplicas = 3 })).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Post($"deployments/{id}/stop")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Delete($"deployments/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(id, (await bob.Client.Get("deployments")).Items.Select(d => d!["id"]!.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.ServeAsync(http, bob.Client.Token, HttpMethod.Post, $"/serve/{id}/v1/models/clf:predict", """{"instances": [[1, 1]]}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.ServeAsync(http, null, HttpMethod.Get, $"/serve/{id}/v2/health/ready")).Status);

        // Stop: the gateway refuses (409), the replica ends; start: it serves again; delete: gone.
        (await alice.Client.Post($"deployments/{id}/stop")).Expect(HttpStatusCode.OK);
        await ServingFixture.WaitForAsync(alice, id, "Stopped");
        await Eventually.Until(() => alice.Client.Get($"runs/{replica}"), r => r["status"] == "Stopped", what: "replica stopped");
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Get, $"/serve/{id}/v2/health/ready")).Status);
        (await alice.Client.Post($"deployments/{id}/start")).Expect(HttpStatusCode.OK);
        await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);
        Assert.Equal(HttpStatusCode.OK, (await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, $"/serve/{id}/v1/models/clf:predict", """{"instances": [[0, 1]]}""")).Status);
        (await alice.Client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);
        (await alice.Client.Get($"deployments/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Get, $"/serve/{id}/v2/health/ready")).Status);
    }
}
