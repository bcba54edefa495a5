using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DKube.Integration.Tests.Infrastructure;
using DKube.Integration.Tests.Repos;
using DKube.Integration.Tests.Serving;

namespace DKube.Integration.Tests.Monitors;

/// <summary>
/// Issue 12's done-when over real HTTP: a model trained by a run (real sklearn), deployed, its
/// traffic sent through the gateway (which logs it in PostgreSQL); a monitor over a baseline CSV
/// in a dataset version; a real webhook (Kestrel) receives the alerts.
/// </summary>
[Collection(MonitorCollection.Name)]
public sealed class MonitorTests(ServingFixture fixture)
{
    private const int BaselineRows = 300;
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Drift_and_performance_alerts_fire_reach_the_webhook_and_resolve_when_traffic_returns_to_normal()
    {
        using var alice = await fixture.NewTenantAsync();
        using var bob = await fixture.NewTenantAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        await using var webhook = await WebhookListener.StartAsync();
        await ServingFixture.TrainModelAsync(alice, "clf");
        var deployment = (await alice.Client.Post("deployments", new { name = "clf", model = new { name = "clf" } })).Expect(HttpStatusCode.Created)["id"];
        await ServingFixture.WaitForAsync(alice, deployment, "Running", ready: 1);
        var dataset = (await alice.Client.Post("datasets", new { name = "training-data" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"datasets/{dataset}/versions", Archives.Tar(("train.csv", MonitorSamples.BaselineCsv(new Random(7), BaselineRows))))).Expect(HttpStatusCode.Created);

        var monitor = (await alice.Client.Post("monitors", new
        {
            deployment,
            modelType = "classification",
            baseline = new { dataset = "training-data" },
            drift = new { everyMinutes = 60, algorithm = "auto" },
            thresholds = new Dictionary<string, object> { ["accuracy"] = new { soft = 0.9, hard = 0.8 } },
            alerts = new object[]
            {
                new { name = "inputs-drifted", on = "drift", conditions = new[] { new { metric = "drift_share", op = ">=", value = 0.5 } }, webhook = webhook.Url },
                new { name = "accuracy-low", on = "performance", conditions = new[] { new { metric = "accuracy", op = "<", value = 0.8 } }, webhook = webhook.Url },
            },
        })).Expect(HttpStatusCode.Created).Json;
        var id = monitor["id"]!.ToString();
        Assert.Equal(("Ready", BaselineRows), (monitor["status"]!.ToString(), monitor["baselineRows"]!.GetValue<int>()));
        Assert.Equal("Active", (await alice.Client.Post($"monitors/{id}/start")).Expect(HttpStatusCode.OK)["status"]);
        var sent = 0;

        // Traffic from the baseline's distribution: no drift alert.
        var normal = await PredictAsync(http, alice, deployment, 200, shift: 0, seed: 1);
        sent = await LoggedAsync(alice, deployment, sent + normal.Count);
        var calm = await EvaluateAsync(alice, id, "drift");
        Assert.Equal(200, calm["rows"]!.GetValue<int>());
        Assert.True(calm["scores"]!["drift_share"]!["value"]!.GetValue<double>() < 0.5, calm.ToJsonString());
        Assert.Equal("ks", calm["scores"]!["x0"]!["algorithm"]!.ToString());
        Assert.Empty((await alice.Client.Get($"monitors/{id}/alerts")).Expect(HttpStatusCode.OK).Items);

        // Shifted traffic: the drift alert fires at the first evaluation and the webhook receives it.
        var shifted = await PredictAsync(http, alice, deployment, 200, shift: 0.6, seed: 2);
        sent = await LoggedAsync(alice, deployment, sent + shifted.Count);
        var drifted = await EvaluateAsync(alice, id, "drift");
        Assert.Equal("critical", drifted["scores"]!["x0"]!["state"]!.ToString());
        var fired = await webhook.NextAsync(Wait);
        Assert.Equal((id, deployment, "inputs-drifted", "firing"), (fired["monitor"]!.ToString(), fired["deployment"]!.ToString(), fired["alert"]!.ToString(), fired["state"]!.ToString()));
        Assert.Equal("firing", (await alice.Client.Get($"monitors/{id}/alerts")).Items.Single()!["state"]!.ToString());

        // Ground truth for the first traffic with 30% wrong labels: the performance alert fires.
        (await alice.Client.SendRaw(HttpMethod.Post, $"monitors/{id}/groundtruth", GroundTruthCsv(normal.Take(100), wrongShare: 0.3), "text/csv")).Expect(HttpStatusCode.OK);
        var poor = await EvaluateAsync(alice, id, "performance");
        Assert.Equal((100, 0.7, "critical"), (poor["rows"]!.GetValue<int>(), Math.Round(poor["scores"]!["accuracy"]!["value"]!.GetValue<double>(), 9), poor["scores"]!["accuracy"]!["state"]!.ToString()));
        var accuracyFired = await webhook.NextAsync(Wait);
        Assert.Equal(("accuracy-low", "firing"), (accuracyFired["alert"]!.ToString(), accuracyFired["state"]!.ToString()));

        // Back to normal: both alerts resolve, and the webhook hears it.
        var again = await PredictAsync(http, alice, deployment, 200, shift: 0, seed: 3);
        await LoggedAsync(alice, deployment, sent + again.Count);
        var recovered = await EvaluateAsync(alice, id, "drift");
        Assert.True(recovered["scores"]!["drift_share"]!["value"]!.GetValue<double>() < 0.5, recovered.ToJsonString());
        (await alice.Client.SendRaw(HttpMethod.Post, $"monitors/{id}/groundtruth", GroundTruthCsv(again.Take(100), wrongShare: 0), "text/csv")).Expect(HttpStatusCode.OK);
        Assert.Equal(1.0, (await EvaluateAsync(alice, id, "performance"))["scores"]!["accuracy"]!["value"]!.GetValue<double>());
        var resolved = new[] { await webhook.NextAsync(Wait), await webhook.NextAsync(Wait) };
        Assert.Equal([("accuracy-low", "resolved"), ("inputs-drifted", "resolved")],
            resolved.Select(r => (r["alert"]!.ToString(), r["state"]!.ToString())).Order());
        var history = (await alice.Client.Get($"monitors/{id}/alerts")).Items;
        Assert.Equal(4, history.Count);
        Assert.Equal(["resolved", "resolved", "firing", "firing"], history.Select(a => a!["state"]!.ToString()));

        // The time series, health included (the gateway's requests), and the delivery states.
        var series = (await alice.Client.Get($"monitors/{id}/results?kind=drift")).Items;
        Assert.Equal(3, series.Count);
        var health = await EvaluateAsync(alice, id, "health");
        Assert.True(health["scores"]!["requests"]!["value"]!.GetValue<double>() >= 600, health.ToJsonString());
        var view = await Eventually.Until(() => alice.Client.Get($"monitors/{id}"),
            r => r.Json["deliveries"]!.AsArray().All(d => d!["state"]!.ToString() == "delivered"), Wait, "every delivery delivered");
        Assert.Equal(4, view.Json["deliveries"]!.AsArray().Count);

        // Someone who may not see the deployment sees no monitor.
        (await bob.Client.Get($"monitors/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Get($"monitors/{id}/results")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Post($"monitors/{id}/evaluate")).ExpectProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(id, (await bob.Client.Get("monitors")).Items.Select(m => m!["id"]!.ToString()));
        Assert.Contains(id, (await alice.Client.Get("monitors")).Items.Select(m => m!["id"]!.ToString()));

        (await alice.Client.Post($"monitors/{id}/stop")).Expect(HttpStatusCode.OK);
        var clone = (await alice.Client.Post($"monitors/{id}/clone", new { name = "copy" })).Expect(HttpStatusCode.Created).Json;
        Assert.Equal(("Ready", deployment), (clone["status"]!.ToString(), clone["deployment"]!.ToString()));
        (await alice.Client.Delete($"monitors/{id}")).Expect(HttpStatusCode.NoContent);
        (await alice.Client.Get($"monitors/{id}")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_baselines_columns_and_thresholds_are_clear_4xx_and_a_down_webhook_shows_in_the_delivery_state()
    {
        using var alice = await fixture.NewTenantAsync();
        await ServingFixture.TrainModelAsync(alice, "m2");
        var deployment = (await alice.Client.Post("deployments", new { name = "m2", model = new { name = "m2" }, minReplicas = 0 })).Expect(HttpStatusCode.Created)["id"];
        var good = (await alice.Client.Post("datasets", new { name = "good" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"datasets/{good}/versions", Archives.Tar(("train.csv", MonitorSamples.BaselineCsv(new Random(8), BaselineRows))))).Expect(HttpStatusCode.Created);
        var images = (await alice.Client.Post("datasets", new { name = "images" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"datasets/{images}/versions", Archives.Tar(("cat.png", "\u0089PNG...")))).Expect(HttpStatusCode.Created);

        Task<Reply> CreateAsync(object extra) => alice.Client.Post("monitors", Merge(new JsonObject
        {
            ["deployment"] = deployment,
            ["baseline"] = new JsonObject { ["dataset"] = "good" },
        }, extra));

        Assert.Equal("https://dkube.io/problems/baseline-not-csv",
            (await CreateAsync(new { baseline = new { dataset = "images" } })).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);
        Assert.Equal("https://dkube.io/problems/unknown-column",
            (await CreateAsync(new { features = new[] { new { name = "age", kind = "continuous" } } })).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);
        Assert.Equal("https://dkube.io/problems/unknown-column", (await CreateAsync(new
        {
            alerts = new[] { new { name = "a", on = "drift", conditions = new[] { new { feature = "age", op = ">", value = 0.1 } } } },
        })).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);
        Assert.Equal("https://dkube.io/problems/invalid-threshold", (await CreateAsync(new
        {
            drift = new { algorithm = "psi" },
            thresholds = new Dictionary<string, object> { ["x0"] = new { soft = 0.3, hard = 0.1 } },
        })).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);
        (await CreateAsync(new { modelType = "ranking" })).ExpectProblem(HttpStatusCode.BadRequest);
        (await CreateAsync(new { alerts = new[] { new { name = "a", on = "drift", conditions = new[] { new { metric = "drift_share", op = "~", value = 0.1 } } } } }))
            .ExpectProblem(HttpStatusCode.BadRequest);
        (await CreateAsync(new { deployment = "d-missing" })).ExpectProblem(HttpStatusCode.NotFound);
        // A webhook to an internal address (the fixture allows 127.0.0.1 only): refused at create.
        Assert.Equal("https://dkube.io/problems/webhook-not-allowed", (await CreateAsync(new
        {
            alerts = new[] { new { name = "a", on = "health", conditions = new[] { new { metric = "requests", op = ">=", value = 0 } }, webhook = "http://169.254.169.254/latest" } },
        })).ExpectProblem(HttpStatusCode.UnprocessableEntity)["type"]);
        // A retraining from a template the caller cannot see.
        (await CreateAsync(new
        {
            alerts = new[] { new { name = "r", on = "health", conditions = new[] { new { metric = "requests", op = ">=", value = 0 } }, retrain = new { template = "t-000000000000", promote = true } } },
        })).ExpectProblem(HttpStatusCode.NotFound);

        // A webhook nobody listens on: the evaluation answers at once, the delivery shows its attempts and error.
        var id = (await CreateAsync(new
        {
            alerts = new[] { new { name = "quiet", on = "health", conditions = new[] { new { metric = "requests", op = ">=", value = 0 } }, webhook = "http://127.0.0.1:9/down" } },
        })).Expect(HttpStatusCode.Created)["id"];
        await EvaluateAsync(alice, id, "health");
        var view = await Eventually.Until(() => alice.Client.Get($"monitors/{id}"),
            r => r.Json["deliveries"]!.AsArray().SingleOrDefault()?["attempts"]?.GetValue<int>() >= 2, Wait, "two attempts");
        var delivery = view.Json["deliveries"]![0]!;
        Assert.Equal("pending", delivery["state"]!.ToString());
        Assert.False(string.IsNullOrEmpty(delivery["lastError"]?.ToString()));
        (await alice.Client.SendRaw(HttpMethod.Post, $"monitors/{id}/groundtruth", "nothing,here\n1,2\n", "text/csv")).ExpectProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_alert_that_retrains_with_promote_moves_the_deployment_to_the_new_version_with_the_alert_in_its_lineage()
    {
        using var alice = await fixture.NewTenantAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        var model = await ServingFixture.TrainModelAsync(alice, "clf");
        var deployment = (await alice.Client.Post("deployments", new { name = "clf", model = new { name = "clf" } })).Expect(HttpStatusCode.Created)["id"];
        await ServingFixture.WaitForAsync(alice, deployment, "Running", ready: 1);
        var dataset = (await alice.Client.Post("datasets", new { name = "retrain-data" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"datasets/{dataset}/versions", Archives.Tar(("train.csv", MonitorSamples.BaselineCsv(new Random(9), BaselineRows))))).Expect(HttpStatusCode.Created);
        // The retraining: a run template whose command (real sklearn) writes a new version of the deployed model.
        var template = (await alice.Client.Post("templates", new
        {
            name = "retrain-clf", kind = "training", command = ServingFixture.TrainCommand, output = new { model = "clf" }, gpus = 0,
        })).Expect(HttpStatusCode.Created)["id"];
        var id = (await alice.Client.Post("monitors", new
        {
            deployment,
            baseline = new { dataset = "retrain-data" },
            alerts = new[]
            {
                new
                {
                    name = "busy", on = "health", conditions = new[] { new { metric = "requests", op = ">=", value = 20.0 } },
                    retrain = new { template, promote = true },
                },
            },
        })).Expect(HttpStatusCode.Created)["id"];

        // Enough traffic through the gateway to breach the condition: the alert fires and starts the run.
        var sent = await PredictAsync(http, alice, deployment, 20, shift: 0, seed: 5);
        await LoggedAsync(alice, deployment, sent.Count);
        var health = await EvaluateAsync(alice, id, "health");
        Assert.True(health["scores"]!["requests"]!["value"]!.GetValue<double>() >= 20, health.ToJsonString());
        Assert.Equal("firing", (await alice.Client.Get($"monitors/{id}/alerts")).Expect(HttpStatusCode.OK).Items.Single()!["state"]!.ToString());

        // The run completes with version 2 and the deployment's rolling change moves to it.
        var promoted = await Eventually.Until(() => alice.Client.Get($"monitors/{id}"),
            r => r.Json["retrainings"]?.AsArray().SingleOrDefault()?["state"]?.ToString() is "promoted" or "failed", TimeSpan.FromMinutes(5), "the retraining promoted");
        var retraining = promoted.Json["retrainings"]!.AsArray().Single()!;
        Assert.True(retraining["state"]!.ToString() == "promoted", promoted.Text);
        Assert.Equal(("busy", 2), (retraining["alert"]!.ToString(), retraining["version"]!.GetValue<int>()));
        var run = retraining["run"]!.ToString();
        var moved = await Eventually.Until(() => alice.Client.Get($"deployments/{deployment}"),
            r => r.Json["model"]?["version"]?.GetValue<int>() == 2 && r["status"] == "Running", TimeSpan.FromMinutes(3), "the deployment on version 2");
        Assert.Equal(model, moved.Json["model"]!["repoId"]!.ToString());
        // The new version serves.
        var (status, text, _) = await fixture.ServeAsync(http, alice.Client.Token, HttpMethod.Post, $"/serve/{deployment}/v1/models/clf:predict",
            MonitorSamples.Body(MonitorSamples.Instance(new Random(6), 0)));
        Assert.True(status == HttpStatusCode.OK, text);

        // The version's lineage leads from the alert to the run that made it.
        var version = (await alice.Client.Get($"models/{model}/versions/2")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(run, version["run"]!.ToString());
        var trigger = version["lineage"]!["trigger"]!;
        Assert.Equal(("monitor", id, "busy"), (trigger["kind"]!.ToString(), trigger["id"]!.ToString(), trigger["cause"]!.ToString()));
        var parent = (await alice.Client.Get($"runs/{run}")).Expect(HttpStatusCode.OK).Json["parent"]!;
        Assert.Equal(("monitor", id), (parent["kind"]!.ToString(), parent["id"]!.ToString()));
    }

    [Fact]
    public async Task Health_of_an_imported_deployment_is_computed_from_its_posted_predictions_and_its_5xx_alert_fires()
    {
        using var alice = await fixture.NewTenantAsync();
        using var bob = await fixture.NewTenantAsync();
        var deployment = (await alice.Client.Post("deployments/import", new { name = "elsewhere", url = "https://models.example.com/elsewhere", cluster = "local" }))
            .Expect(HttpStatusCode.Created)["id"];
        var dataset = (await alice.Client.Post("datasets", new { name = "imported-baseline" })).Expect(HttpStatusCode.Created)["id"];
        (await alice.Client.Upload($"datasets/{dataset}/versions", Archives.Tar(("train.csv", MonitorSamples.BaselineCsv(new Random(10), BaselineRows))))).Expect(HttpStatusCode.Created);
        var monitor = (await alice.Client.Post("monitors", new
        {
            deployment,
            baseline = new { dataset = "imported-baseline" },
            health = new { everyMinutes = 5 },
            thresholds = new Dictionary<string, object> { ["error_5xx_rate"] = new { soft = 0.1, hard = 0.25 } },
            alerts = new[] { new { name = "server-errors", on = "health", conditions = new[] { new { metric = "error_5xx_rate", op = ">", value = 0.2 } } } },
        })).Expect(HttpStatusCode.Created).Json;
        var id = monitor["id"]!.ToString();
        var createdAt = DateTimeOffset.Parse(monitor["createdAt"]!.ToString(), CultureInfo.InvariantCulture);

        // 20 predictions made elsewhere just after the monitor was made (1 µs apart): i = 0, 4, 8, 12,
        // 16 answered 503, i = 1, 5 answered 404; i >= 17 carry no status, i >= 16 no latency (i < 16 took (i + 1) * 10 ms).
        var lines = Enumerable.Range(0, 20).Select(i =>
        {
            var line = new JsonObject
            {
                ["requestId"] = $"ext-{i}",
                ["at"] = createdAt.AddTicks(10 * (i + 1)).ToString("O", CultureInfo.InvariantCulture),
                ["inputs"] = JsonNode.Parse(MonitorSamples.Body(MonitorSamples.Instance(new Random(i), 0)))!["instances"]!.DeepClone(),
                ["outputs"] = new JsonArray(1),
            };
            if (i < 17)
            {
                line["status"] = i % 4 == 0 ? 503 : i is 1 or 5 ? 404 : 200;
            }

            if (i < 16)
            {
                line["latencyMs"] = (i + 1) * 10.0;
            }

            return line.ToJsonString();
        });
        (await alice.Client.SendRaw(HttpMethod.Post, $"deployments/{deployment}/predictions", string.Join("\n", lines), "application/x-ndjson")).Expect(HttpStatusCode.OK);

        var health = await EvaluateAsync(alice, id, "health");
        var window = (DateTimeOffset.Parse(health["at"]!.ToString(), CultureInfo.InvariantCulture) - DateTimeOffset.Parse(health["from"]!.ToString(), CultureInfo.InvariantCulture)).TotalSeconds;
        double Score(JsonNode result, string metric) => result["scores"]![metric]!["value"]!.GetValue<double>();
        Assert.Equal(("posted", 20, "local"), (health["source"]!.ToString(), health["rows"]!.GetValue<int>(), health["computedOn"]!["cluster"]!.ToString()));
        Assert.Equal(20, Score(health, "requests"));
        Assert.Equal(20 / window, Score(health, "request_rate"), 9);
        Assert.Equal(5 / 17.0, Score(health, "error_5xx_rate"), 12);
        Assert.Equal("critical", health["scores"]!["error_5xx_rate"]!["state"]!.ToString());
        Assert.Equal(2 / 17.0, Score(health, "error_4xx_rate"), 12);
        Assert.Equal((85.0, 152.5, 158.5), (Math.Round(Score(health, "latency_p50"), 9), Math.Round(Score(health, "latency_p95"), 9), Math.Round(Score(health, "latency_p99"), 9)));
        Assert.Null(health["scores"]!["cpu_cores"]);
        Assert.Contains("3 of the 20 posted predictions carry no status", health["note"]!.ToString(), StringComparison.Ordinal);
        var fired = (await alice.Client.Get($"monitors/{id}/alerts")).Expect(HttpStatusCode.OK).Items.Single()!;
        Assert.Equal(("server-errors", "firing", 5 / 17.0), (fired["alert"]!.ToString(), fired["state"]!.ToString(), fired["value"]!.GetValue<double>()));

        // Nothing posted since: the result says so, and the alert stays firing.
        var quiet = await EvaluateAsync(alice, id, "health");
        Assert.Equal((0, 0.0), (quiet["rows"]!.GetValue<int>(), Score(quiet, "requests")));
        Assert.Null(quiet["scores"]!["error_5xx_rate"]);
        Assert.StartsWith("No predictions were posted to this imported deployment in the window", quiet["note"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("firing", (await alice.Client.Get($"monitors/{id}/alerts")).Items.Single()!["state"]!.ToString());
        Assert.Equal(2, (await alice.Client.Get($"monitors/{id}/results?kind=health")).Expect(HttpStatusCode.OK).Items.Count);

        // Another tenant sees none of it.
        (await bob.Client.Get($"monitors/{id}")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Get($"monitors/{id}/results")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Get($"monitors/{id}/alerts")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.Post($"monitors/{id}/evaluate?component=health")).ExpectProblem(HttpStatusCode.NotFound);
        (await bob.Client.SendRaw(HttpMethod.Post, $"deployments/{deployment}/predictions", string.Join("\n", lines), "application/x-ndjson")).ExpectProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(id, (await bob.Client.Get("monitors")).Items.Select(m => m!["id"]!.ToString()));
    }

    /// <summary>Sends <paramref name="count"/> one-instance predictions through the gateway; returns each request id and the model's answer.</summary>
    private async Task<List<(string RequestId, string Prediction)>> PredictAsync(HttpClient http, Tenant tenant, string deployment, int count, double shift, int seed)
    {
        var random = new Random(seed);
        var answers = new List<(string, string)>();
        for (var i = 0; i < count; i++)
        {
            var body = MonitorSamples.Body(MonitorSamples.Instance(random, shift));
            var (status, text, headers) = await fixture.ServeAsync(http, tenant.Client.Token, HttpMethod.Post, $"/serve/{deployment}/v1/models/clf:predict", body);
            Assert.True(status == HttpStatusCode.OK, text);
            answers.Add((headers.GetValues("X-Request-Id").Single(), JsonNode.Parse(text)!["predictions"]![0]!.ToJsonString()));
        }

        return answers;
    }

    /// <summary>Waits until the prediction log holds <paramref name="total"/> requests of the deployment (the gateway writes it in the background).</summary>
    private static async Task<int> LoggedAsync(Tenant tenant, string deployment, int total)
    {
        await Eventually.Until(() => tenant.Client.Get($"deployments/{deployment}/metrics?step=86400&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}"),
            r => r.Json["requests"]!.AsArray().Sum(b => b!["requests"]!.GetValue<long>()) >= total, Wait, $"{total} requests logged");
        return total;
    }

    private static async Task<JsonNode> EvaluateAsync(Tenant tenant, string id, string component) =>
        (await tenant.Client.Post($"monitors/{id}/evaluate?component={component}")).Expect(HttpStatusCode.OK).Items.Single()!;

    private static string GroundTruthCsv(IEnumerable<(string RequestId, string Prediction)> answers, double wrongShare)
    {
        var list = answers.ToList();
        var wrong = (int)Math.Round(list.Count * wrongShare);
        var csv = new StringBuilder("requestId,label\n");
        foreach (var ((requestId, prediction), i) in list.Select((a, i) => (a, i)))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{requestId},{(i < wrong ? (prediction == "1" ? "0" : "1") : prediction)}\n");
        }

        return csv.ToString();
    }

    private static JsonObject Merge(JsonObject target, object extra)
    {
        foreach (var (key, value) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!.AsObject())
        {
            target[key] = value?.DeepClone();
        }

        return target;
    }
}
