using System.Net;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// The autoscaler and the model change with real replicas: up under load, to zero when idle, back
/// on a request, and a model change under load with no failed request. The fixture shortens the
/// stable window to 6 s (panic 1 s) and the scale-to-zero grace to 4 s.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class AutoscalingTests(ServingFixture fixture) : IDisposable
{
    private const string Predict = """{"instances": [[1, 1], [0, 0]]}""";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(3) };
    private string? _token;
    private string? _path;

    [Fact]
    public async Task Scales_up_under_load_to_zero_when_idle_back_on_a_request_and_changes_model_with_no_failed_request()
    {
        using var alice = await fixture.NewTenantAsync();
        var http = _http;
        await ServingFixture.TrainModelAsync(alice, "s");
        var id = (await alice.Client.Post("deployments", new { name = "auto", model = new { name = "s" }, minReplicas = 0, maxReplicas = 3, maxConcurrentRequests = 1 }))
            .Expect(HttpStatusCode.Created)["id"];
        await ServingFixture.WaitForAsync(alice, id, "Running", ready: 1);
        var path = $"/serve/{id}/v1/models/auto:predict";
        (_token, _path) = (alice.Client.Token, path);

        // Up: 6 clients at once against 1 request per replica.
        var up = await LoadAsync(6, () => Eventually.Until(() => alice.Client.Get($"deployments/{id}"),
            r => r.Json["replicas"]!["ready"]!.GetValue<int>() >= 2, TimeSpan.FromMinutes(3), "scaled up to 2 ready"));
        Assert.Equal(0, up.Failures);
        Assert.True(up.Answered > 0);

        // Idle: down to zero replicas, the deployment still Running.
        await Eventually.Until(() => alice.Client.Get($"deployments/{id}"),
            r => r.Json["replicas"]!["desired"]!.GetValue<int>() == 0 && r.Json["replicaList"]!.AsArray().Count == 0, TimeSpan.FromMinutes(2), "scaled to zero");
        Assert.Equal("Running", (await alice.Client.Get($"deployments/{id}"))["status"]);

        // A request wakes it and is answered once a replica is ready.
        var cold = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, path, Predict);
        Assert.True(cold.Status == HttpStatusCode.OK, cold.Body);

        // Change the model under load: no request fails.
        await ServingFixture.TrainVersionAsync(alice, "s");
        var change = await LoadAsync(2, async () =>
        {
            var patched = (await alice.Client.Patch($"deployments/{id}", new { model = new { name = "s", version = 2 } })).Expect(HttpStatusCode.OK);
            Assert.Equal("Updating", patched["status"]);
            await Eventually.Until(() => alice.Client.Get($"deployments/{id}"),
                r => r["status"] == "Running" && r.Json["replicaList"]!.AsArray().All(x => x!["modelVersion"]!.GetValue<int>() == 2 && !x["draining"]!.GetValue<bool>()),
                TimeSpan.FromMinutes(3), "serving version 2 only");
        });
        Assert.Equal(0, change.Failures);
        Assert.True(change.Answered > 0);
        var history = (await alice.Client.Get($"deployments/{id}")).Json["history"]!.AsArray();
        Assert.Equal(2, history[^1]!["toVersion"]!.GetValue<int>());
        Assert.NotNull(history[^1]!["servingSince"]);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Runs <paramref name="clients"/> closed-loop clients of the deployment while <paramref name="during"/> runs; counts answers and failures.</summary>
    private async Task<(int Answered, int Failures)> LoadAsync(int clients, Func<Task> during)
    {
        var (answered, failures) = (0, 0);
        using var load = new CancellationTokenSource();
        var running = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                var (status, _, _) = await fixture.ServeAsync(_http, _token!, HttpMethod.Post, _path!, Predict);
                Interlocked.Increment(ref status == HttpStatusCode.OK ? ref answered : ref failures);
            }
        })).ToList();
        try
        {
            await during();
        }
        finally
        {
            await load.CancelAsync();
            await Task.WhenAll(running);
        }

        return (answered, failures);
    }
}
