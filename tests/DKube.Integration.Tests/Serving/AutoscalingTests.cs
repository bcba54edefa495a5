using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// The autoscaler and the model change with real replicas: up under load, to zero when idle, back
/// on a request, and a model change under load with no failed request. The fixture shortens the
/// stable window to 6 s (panic 0.6 s) and the scale-to-zero grace to 2 s.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class AutoscalingTests(ServingFixture fixture)
{
    private const string Predict = """{"instances": [[1, 1], [0, 0]]}""";

    [Fact]
    public async Task Scales_up_under_load_to_zero_when_idle_back_on_a_request_and_changes_model_with_no_failed_request()
    {
        using var alice = await fixture.NewTenantAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        await ServingFixture.TrainModelAsync(alice, "s");
        var id = (await alice.Client.Post("deployments", new { name = "auto", model = new { name = "s" }, minReplicas = 0, maxReplicas = 3, maxConcurrentRequests = 1 }))
            .Expect(HttpStatusCode.Created)["id"];
        await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);
        var path = $"/serve/{id}/v1/models/auto:predict";

        // Up: 6 clients at once against 1 request per replica.
        var failures = 0;
        var answered = 0;
        using (var load = new CancellationTokenSource())
        {
            var clients = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            {
                while (!load.IsCancellationRequested)
                {
                    var (status, _, _) = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, path, Predict);
                    Interlocked.Increment(ref status == HttpStatusCode.OK ? ref answered : ref failures);
                }
            })).ToList();
            await Eventually.Until(() => alice.Client.Get($"deployments/{id}"), r => r.Json["replicas"]!["ready"]!.GetValue<int>() >= 2,
                TimeSpan.FromMinutes(3), "scaled up to 2 ready");
            await load.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.Equal(0, failures);
        Assert.True(answered > 0);

        // Idle: down to zero replicas, the deployment still Running.
        await Eventually.Until(() => alice.Client.Get($"deployments/{id}"),
            r => r.Json["replicas"]!["desired"]!.GetValue<int>() == 0 && r.Json["replicaList"]!.AsArray().Count == 0, TimeSpan.FromMinutes(2), "scaled to zero");
        Assert.Equal("Running", (await alice.Client.Get($"deployments/{id}"))["status"]);

        // A request wakes it and is answered once a replica is ready.
        var cold = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, path, Predict);
        Assert.True(cold.Status == HttpStatusCode.OK, cold.Body);

        // Change the model under load: no request fails.
        await ServingFixture.TrainVersionAsync(alice, "s");
        failures = 0;
        answered = 0;
        using (var load = new CancellationTokenSource())
        {
            var clients = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                while (!load.IsCancellationRequested)
                {
                    var (status, _, _) = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, path, Predict);
                    Interlocked.Increment(ref status == HttpStatusCode.OK ? ref answered : ref failures);
                }
            })).ToList();
            var patched = (await alice.Client.Patch($"deployments/{id}", new { model = new { name = "s", version = 2 } })).Expect(HttpStatusCode.OK);
            Assert.Equal("Updating", patched["status"]);
            await Eventually.Until(() => alice.Client.Get($"deployments/{id}"),
                r => r["status"] == "Running" && r.Json["replicaList"]!.AsArray().All(x => x!["modelVersion"]!.GetValue<int>() == 2 && !x["draining"]!.GetValue<bool>()),
                TimeSpan.FromMinutes(3), "serving version 2 only");
            await load.CancelAsync();
            await Task.WhenAll(clients);
        }

        Assert.Equal(0, failures);
        Assert.True(answered > 0);
        var history = (await alice.Client.Get($"deployments/{id}")).Json["history"]!.AsArray();
        Assert.Equal(2, history[^1]!["toVersion"]!.GetValue<int>());
        Assert.NotNull(history[^1]!["servingSince"]);
    }
}
