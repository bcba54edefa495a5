using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DKube.Abstractions.Serving;
using DKube.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// The gateway records every request in the prediction log (request id, status, latency) and, for
/// deployments with <c>logPredictions</c>, the JSON bodies within the size bound.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class PredictionLogTests(ServingFixture fixture)
{
    [Fact]
    public async Task Predictions_through_the_gateway_are_logged_with_bodies_and_request_ids_and_without_bodies_when_not_wanted()
    {
        using var alice = await fixture.NewTenantAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        await ServingFixture.TrainModelAsync(alice, "logged-model");
        var logged = (await alice.Client.Post("deployments", new { name = "logged", model = new { name = "logged-model" } })).Expect(HttpStatusCode.Created)["id"];
        var quiet = (await alice.Client.Post("deployments", new { name = "quiet", model = new { name = "logged-model" }, logPredictions = false }))
            .Expect(HttpStatusCode.Created)["id"];
        await ServingFixture.WaitForAsync(alice, logged, "Running", ready: 1);
        await ServingFixture.WaitForAsync(alice, quiet, "Running", ready: 1);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);

        // The caller's request id is kept; without one the gateway's is logged and answered.
        const string input = """{"instances": [[1, 1], [0, 0]]}""";
        var given = await SendAsync(http, alice, $"/serve/{logged}/v1/models/logged:predict", input, requestId: "ground-truth-key-1");
        Assert.Equal((HttpStatusCode.OK, "ground-truth-key-1"), (given.Status, given.RequestId));
        var generated = await SendAsync(http, alice, $"/serve/{logged}/v1/models/logged:predict", """{"instances": [[0, 1]]}""");
        Assert.Equal(HttpStatusCode.OK, generated.Status);
        // A body over DKUBE_PREDICTION_MAX_BODY_BYTES (64 KiB): answered in full, logged without bodies.
        var large = $$"""{"instances": [{{string.Join(", ", Enumerable.Repeat("[1, 0]", 12_000))}}]}""";
        var big = await SendAsync(http, alice, $"/serve/{logged}/v1/models/logged:predict", large);
        Assert.Equal(HttpStatusCode.OK, big.Status);
        Assert.Equal(12_000, JsonNode.Parse(big.Body)!["predictions"]!.AsArray().Count);
        // An unknown model name: the replica's 4xx is logged too.
        var missing = await SendAsync(http, alice, $"/serve/{logged}/v1/models/nope:predict", input);
        Assert.True((int)missing.Status is >= 400 and < 500, missing.Body);
        var unlogged = await SendAsync(http, alice, $"/serve/{quiet}/v1/models/quiet:predict", input);
        Assert.Equal(HttpStatusCode.OK, unlogged.Status);

        var records = await Eventually.Until(() => ReadAsync(logged, since), r => r.Count == 4, what: "four records of the logged deployment");
        var first = records.Single(r => r.RequestId == "ground-truth-key-1");
        Assert.Equal(200, first.Status);
        Assert.True(first.LatencyMs > 0);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(input), JsonNode.Parse(first.Inputs!)), first.Inputs);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(given.Body), JsonNode.Parse(first.Outputs!)), first.Outputs);
        var second = records.Single(r => r.RequestId == generated.RequestId);
        Assert.Equal("[[0,1]]", JsonNode.Parse(second.Inputs!)!["instances"]!.ToJsonString());
        var overBound = records.Single(r => r.RequestId == big.RequestId);
        Assert.Equal((200, (string?)null, (string?)null), (overBound.Status, overBound.Inputs, overBound.Outputs));
        Assert.Equal((int)missing.Status, records.Single(r => r.RequestId == missing.RequestId).Status);

        var quietRecord = Assert.Single(await Eventually.Until(() => ReadAsync(quiet, since), r => r.Count == 1, what: "the record of the quiet deployment"));
        Assert.Equal((unlogged.RequestId, 200, (string?)null, (string?)null), (quietRecord.RequestId, quietRecord.Status, quietRecord.Inputs, quietRecord.Outputs));

        // The deployment's metrics: the log per step, and the replica counts over time.
        var metrics = (await alice.Client.Get($"deployments/{logged}/metrics?step=3600&from={Uri.EscapeDataString(since.ToString("O"))}")).Expect(HttpStatusCode.OK).Json;
        var buckets = metrics["requests"]!.AsArray();
        Assert.Equal(4, buckets.Sum(b => b!["requests"]!.GetValue<long>()));
        Assert.Equal(1, buckets.Sum(b => b!["clientErrors"]!.GetValue<long>()));
        Assert.True(buckets[0]!["p99Ms"]!.GetValue<double>() >= buckets[0]!["p50Ms"]!.GetValue<double>());
        var replicas = (await alice.Client.Get($"deployments/{logged}/metrics?from=2026-01-01T00:00:00Z&step=86400")).Expect(HttpStatusCode.OK).Json["replicas"]!.AsArray();
        Assert.Equal((1, 0), (replicas[0]!["desired"]!.GetValue<int>(), replicas[0]!["ready"]!.GetValue<int>()));
        Assert.Contains(replicas, r => r!["ready"]!.GetValue<int>() == 1);
        (await alice.Client.Get($"deployments/{logged}/metrics?step=0")).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Get($"deployments/{logged}/metrics?step=1&from=2020-01-01T00:00:00Z")).ExpectProblem(HttpStatusCode.BadRequest);

        // The replicas' logs, each line marked with its replica; one replica's alone.
        var logs = (await alice.Client.Get($"deployments/{logged}/logs")).Expect(HttpStatusCode.OK).Text;
        Assert.Contains($"[{logged}-r1] serving logged", logs, StringComparison.Ordinal);
        Assert.StartsWith("serving logged", (await alice.Client.Get($"deployments/{logged}/logs?replica={logged}-r1")).Expect(HttpStatusCode.OK).Text, StringComparison.Ordinal);
        (await alice.Client.Get($"deployments/{logged}/logs?replica={quiet}-r1")).ExpectProblem(HttpStatusCode.NotFound);

        // Prometheus: requests by deployment and code, and the latency histogram in seconds.
        var scrape = await http.GetStringAsync(new Uri(fixture.Server.Url, "/metrics"));
        // (The exporter adds its scope labels; the order of labels is its own.)
        var lines = scrape.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("dkube_inference_requests_total{", StringComparison.Ordinal)
            && l.Contains("code=\"200\"", StringComparison.Ordinal) && l.Contains($"deployment=\"{logged}\"", StringComparison.Ordinal) && Regex.IsMatch(l, @"\} 3( \d+)?$"));
        Assert.Contains(lines, l => l.StartsWith("dkube_inference_request_duration_seconds_bucket{", StringComparison.Ordinal)
            && l.Contains($"deployment=\"{quiet}\"", StringComparison.Ordinal) && l.Contains("le=\"+Inf\"", StringComparison.Ordinal));

        // Predictions are posted only to imported deployments: this one's gateway logs its own.
        (await alice.Client.SendRaw(HttpMethod.Post, $"deployments/{logged}/predictions", """{"requestId": "x", "at": "2026-12-06T09:00:00Z"}""", "application/x-ndjson"))
            .ExpectProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_imported_deployment_takes_posted_predictions_all_or_nothing_and_other_groups_get_404()
    {
        using var alice = await fixture.NewTenantAsync();
        using var bob = await fixture.NewTenantAsync();
        using var http = new HttpClient();
        (await alice.Client.Post("deployments/import", new { name = "ext", url = "ftp://elsewhere" })).ExpectProblem(HttpStatusCode.BadRequest);
        (await alice.Client.Post("deployments/import", new { name = "ext", url = "https://models.example.com/ext", cluster = "nowhere" })).ExpectProblem(HttpStatusCode.NotFound);
        var imported = (await alice.Client.Post("deployments/import", new { name = "ext", url = "https://models.example.com/ext", cluster = "local" })).Expect(HttpStatusCode.Created).Json;
        var id = imported["id"]!.ToString();
        Assert.Equal(("Imported", "https://models.example.com/ext"), (imported["status"]!.ToString(), imported["endpoint"]!.ToString()));
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Get, $"/serve/{id}/")).Status);
        // Its listing row says where it is served too (not a /serve path of this server's).
        var row = (await alice.Client.Get("deployments")).Expect(HttpStatusCode.OK).Json["items"]!.AsArray().Single(d => d!["id"]!.ToString() == id)!;
        Assert.Equal("https://models.example.com/ext", row["endpoint"]!.ToString());

        var now = DateTimeOffset.UtcNow;
        var lines = string.Join("\n",
            $$$"""{"requestId": "p1", "at": "{{{now.AddMinutes(-3):O}}}", "inputs": {"x": [1, 2]}, "outputs": {"y": 1}}""",
            "",
            $$"""{"requestId": "p2", "at": "{{now.AddMinutes(-2):O}}", "inputs": [[3, 4]], "outputs": [0], "latencyMs": 12.5}""",
            $$"""{"requestId": "p3", "at": "{{now.AddMinutes(-1):O}}", "inputs": null, "outputs": null, "status": 503}""");
        var received = (await alice.Client.SendRaw(HttpMethod.Post, $"deployments/{id}/predictions", lines, "application/x-ndjson")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(3, received["received"]!.GetValue<int>());
        // Sent again (a retry): nothing is stored twice.
        (await alice.Client.SendRaw(HttpMethod.Post, $"deployments/{id}/predictions", lines, "application/x-ndjson")).Expect(HttpStatusCode.OK);

        var stored = await ReadAsync(id, now.AddHours(-1));
        Assert.Equal(["p1", "p2", "p3"], stored.Select(r => r.RequestId));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"x": [1, 2]}"""), JsonNode.Parse(stored[0].Inputs!)));
        // What a line does not say is unknown, not 200 and 0 ms.
        Assert.Equal(((int?)null, (double?)null), (stored[0].Status, stored[0].LatencyMs));
        Assert.Equal((12.5, "[0]"), (stored[1].LatencyMs, stored[1].Outputs));
        Assert.Equal((503, (string?)null), (stored[2].Status, stored[2].Inputs));

        // A bad line refuses the whole body, naming the line; the good lines before it are not stored.
        var bad = string.Join("\n",
            $$"""{"requestId": "q1", "at": "{{now:O}}", "inputs": [1], "outputs": [1]}""",
            """{"requestId": "q2", "at": "yesterday"}""",
            """not json""",
            """{"at": "2026-12-06T09:00:00Z"}""",
            """{"requestId": "q5", "at": "2026-12-06T09:00:00Z", "status": "500"}""",
            """{"requestId": "q6", "at": "2026-12-06T09:00:00Z", "latencyMs": -1}""");
        var refused = (await alice.Client.SendRaw(HttpMethod.Post, $"deployments/{id}/predictions", bad, "application/x-ndjson")).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["line 2", "line 3", "line 4", "line 5", "line 6"], refused.Json["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.Contains("invalid-predictions", refused["type"], StringComparison.Ordinal);
        Assert.Equal(3, (await ReadAsync(id, now.AddHours(-1))).Count);
        (await alice.Client.SendRaw(HttpMethod.Post, $"deployments/{id}/predictions", "\n\n", "application/x-ndjson")).ExpectProblem(HttpStatusCode.BadRequest);

        // Its metrics come from what was posted.
        var metrics = (await alice.Client.Get($"deployments/{id}/metrics?step=3600&from={Uri.EscapeDataString(now.AddMinutes(-10).ToString("O"))}&to={Uri.EscapeDataString(now.AddMinutes(1).ToString("O"))}"))
            .Expect(HttpStatusCode.OK).Json["requests"]!.AsArray();
        var bucket = Assert.Single(metrics)!;
        Assert.Equal((3L, 0L, 1L), (bucket["requests"]!.GetValue<long>(), bucket["clientErrors"]!.GetValue<long>(), bucket["serverErrors"]!.GetValue<long>()));
        Assert.Equal(0, (await alice.Client.Get($"deployments/{id}/logs")).Expect(HttpStatusCode.OK).Text.Length);

        // Another group's member: 404 everywhere, as if it did not exist.
        (await bob.Client.Get($"deployments/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.SendRaw(HttpMethod.Post, $"deployments/{id}/predictions", lines, "application/x-ndjson")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Get($"deployments/{id}/metrics")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Get($"deployments/{id}/logs")).ExpectProblem(HttpStatusCode.NotFound);
        (await alice.Client.Delete($"deployments/{id}")).Expect(HttpStatusCode.NoContent);
    }

    private async Task<List<PredictionRecord>> ReadAsync(string deployment, DateTimeOffset since)
    {
        var log = fixture.Server.App.Services.GetRequiredService<IPredictionLog>();
        var list = new List<PredictionRecord>();
        await foreach (var record in log.ReadAsync(deployment, since, DateTimeOffset.UtcNow.AddMinutes(1)))
        {
            list.Add(record);
        }

        return list;
    }

    private async Task<(HttpStatusCode Status, string Body, string RequestId)> SendAsync(HttpClient http, Tenant tenant, string path, string json, string? requestId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Server.Url, path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", tenant.Client.Token);
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.GetValues("X-Request-Id").Single());
    }
}
