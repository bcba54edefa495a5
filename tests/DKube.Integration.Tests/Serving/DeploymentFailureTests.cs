using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Serving;

/// <summary>Bad input is a clear 4xx with nothing half-made; a runtime that never serves is an Error with its log; a crashed replica is replaced.</summary>
[Collection(ServingCollection.Name)]
public sealed class DeploymentFailureTests(ServingFixture fixture)
{
    private const string HttpServer = "/usr/bin/python3 -m http.server \"$PORT\" --bind 127.0.0.1";

    [Fact]
    public async Task Bad_requests_are_4xx_problems_and_leave_nothing_behind()
    {
        using var alice = await fixture.NewTenantAsync();
        await ServingFixture.TrainModelAsync(alice, "m");
        (await alice.Client.Post("deployments", new { name = "a", model = new { name = "unknown" } })).ExpectProblem(HttpStatusCode.NotFound);
        (await alice.Client.Post("deployments", new { name = "a", model = new { name = "m", version = 99 } })).ExpectProblem(HttpStatusCode.NotFound);
        var minOverMax = (await alice.Client.Post("deployments", new { name = "a", model = new { name = "m" }, minReplicas = 3, maxReplicas = 1 })).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(minOverMax.Json["errors"]!["minReplicas"]);
        (await alice.Client.Post("deployments", new { name = "a", model = new { name = "m" }, minReplicas = -1 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Post("deployments", new { name = "a", model = new { name = "m" }, maxConcurrentRequests = 0 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Post("deployments", new { name = "a", model = new { name = "m" }, serving = new { runtime = "tensorflow" } })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Post("deployments", new { name = "a", model = new { name = "m" }, serving = new { runtime = "custom" } })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Post("deployments", new { name = "a", model = new { name = "m" }, gpus = 99 })).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Empty((await alice.Client.Get("deployments")).Items);
        Assert.DoesNotContain((await alice.Client.Get("runs")).Items, r => r!["kind"]!.ToString() == "inference");

        // A runtime that exits before it serves: Error, with what it printed.
        var broken = (await alice.Client.Post("deployments", new
        {
            name = "broken", model = new { name = "m" }, serving = new { runtime = "custom", command = "echo broken-runtime-output; exit 3" },
        })).Expect(HttpStatusCode.Created)["id"];
        var error = await ServingFixture.WaitForAsync(alice, broken, "Error");
        Assert.Contains("broken-runtime-output", error["reason"], StringComparison.Ordinal);
        Assert.Equal(0, error.Json["replicas"]!["ready"]!.GetValue<int>());

        // PATCH: min > max (with the stored max), negatives, an unknown version: 4xx, nothing changed.
        var id = (await alice.Client.Post("deployments", new { name = "ok", model = new { name = "m" }, maxReplicas = 2 })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Patch($"deployments/{id}", new { minReplicas = 3 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Patch($"deployments/{id}", new { maxReplicas = -2 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Patch($"deployments/{id}", new { model = new { name = "m", version = 7 } })).ExpectProblem(HttpStatusCode.NotFound);
        var unchanged = (await alice.Client.Get($"deployments/{id}")).Json;
        Assert.Equal(1, unchanged["spec"]!["minReplicas"]!.GetValue<int>());
        Assert.Equal(1, unchanged["model"]!["version"]!.GetValue<int>());
        (await alice.Client.Post("deployments", new { name = "ok", model = new { name = "m" } })).ExpectProblem(HttpStatusCode.Conflict);
        (await alice.Client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_replica_that_crashes_is_replaced_and_the_endpoint_serves_again()
    {
        using var alice = await fixture.NewTenantAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        await ServingFixture.TrainModelAsync(alice, "c");
        // The first replica dies 6 s after it starts; its replacement keeps serving.
        var command = $"if [ \"$DKUBE_RUN_ID\" = \"$DKUBE_DEPLOYMENT_ID-r1-1\" ]; then timeout 6 {HttpServer}; exit 1; fi; exec {HttpServer}";
        var id = (await alice.Client.Post("deployments", new { name = "crashy", model = new { name = "c" }, serving = new { runtime = "custom", command } }))
            .Expect(HttpStatusCode.Created)["id"];
        await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);
        var replaced = await Eventually.Until(() => alice.Client.Get($"deployments/{id}"),
            r => r.Json["replicaList"]!.AsArray().Any(x => x!["workloadId"]!.ToString() == $"{id}-r2" && x["ready"]!.GetValue<bool>()),
            TimeSpan.FromMinutes(3), "replica r2 ready");
        Assert.Equal("Running", replaced["status"]);
        Assert.Contains("replaced", replaced["reason"], StringComparison.Ordinal);
        Assert.Equal("Failed", (await alice.Client.Get($"runs/{id}-r1"))["status"]);
        Assert.Equal(HttpStatusCode.OK, (await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Get, $"/serve/{id}/")).Status);
    }
}
