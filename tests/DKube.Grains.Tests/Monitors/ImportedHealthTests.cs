using DKube.Abstractions.Monitors;
using DKube.Abstractions.Serving;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Monitors;

/// <summary>
/// Health of a monitor on an imported deployment (served elsewhere, no gateway traffic): computed
/// from the predictions posted to it in the real prediction log, error rates over the records that
/// carry a status and latency over those that carry one, a visible note when nothing was posted,
/// and its alerts firing and resolving on those figures; a served deployment keeps the gateway's.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class ImportedHealthTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Health_of_an_imported_deployment_counts_its_posted_predictions_and_its_5xx_alert_fires_then_resolves()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var imported = await world.ImportAsync();
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var id = monitor.GetPrimaryKeyString();
        await world.CreateAsync(monitor, world.Spec(s => s with
        {
            Deployment = imported,
            Thresholds = new Dictionary<string, ThresholdSpec> { ["error_5xx_rate"] = new(0.1, 0.25) },
            Alerts = [new AlertSpec("errors", MonitorKinds.Health, [new AlertConditionSpec("error_5xx_rate", ">", 0.2)], 1, null)],
        }));

        // 20 posted predictions: i = 0, 4, 8, 12, 16 answered 503 and i = 1, 5 answered 404; the last
        // three carry no status and the last four no latency (i = 0..15 took 10, 20, ..., 160 ms).
        var at = fixture.Time.GetUtcNow();
        await world.Log.AppendAsync(Enumerable.Range(0, 20).Select(i => new PredictionRecord(imported, $"p{i}-{id}", at.AddMilliseconds(i),
            i >= 17 ? null : i % 4 == 0 ? 503 : i is 1 or 5 ? 404 : 200, i >= 16 ? null : (i + 1) * 10.0, null, null)).ToList());
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        var health = Assert.Single(await monitor.Evaluate(MonitorKinds.Health));
        Assert.Equal((MonitorKinds.FromPosted, 20L), (health.Source, health.Rows));
        var window = (health.At - health.From).TotalSeconds;
        Assert.Equal(20, health.Scores["requests"].Value);
        Assert.Equal(20 / window, health.Scores["request_rate"].Value, 12);
        Assert.Equal(5 / 17.0, health.Scores["error_5xx_rate"].Value, 12);
        Assert.Equal(MonitorKinds.Critical, health.Scores["error_5xx_rate"].State);
        Assert.Equal(2 / 17.0, health.Scores["error_4xx_rate"].Value, 12);
        // Over 10..160 ms, interpolated between the closest ranks as numpy does: rank 15p.
        Assert.Equal(85.0, health.Scores["latency_p50"].Value, 9);
        Assert.Equal(152.5, health.Scores["latency_p95"].Value, 9);
        Assert.Equal(158.5, health.Scores["latency_p99"].Value, 9);
        // Served elsewhere: no replica figures; the note says what the records lacked.
        Assert.DoesNotContain("cpu_cores", health.Scores.Keys);
        Assert.Equal(
            "3 of the 20 posted predictions carry no status: error rates are over the 17 that do. "
            + "4 of the 20 posted predictions carry no latencyMs: latency percentiles are over the 16 that do.", health.Note);
        var fired = Assert.Single(await world.Records.ReadAlertsAsync(id, 10));
        Assert.Equal(("errors", MonitorKinds.Firing, 5 / 17.0, health.At), (fired.Alert, fired.State, fired.Value, fired.Since));
        // Stored as evaluated: GET /monitors/{id}/results shows the source and the note.
        var stored = Assert.Single(await world.Records.ReadResultsAsync(id, null, MonitorKinds.Health, 10));
        Assert.Equal((health.Source, health.Note, health.Scores["latency_p95"]), (stored.Source, stored.Note, stored.Scores["latency_p95"]));

        // Nothing posted in the next window: a clear note, zero requests, no rates; the alert stays as it was.
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var quiet = Assert.Single(await monitor.Evaluate(MonitorKinds.Health));
        Assert.Equal((0L, MonitorKinds.FromPosted), (quiet.Rows, quiet.Source));
        Assert.Equal(["request_rate", "requests"], quiet.Scores.Keys.Order());
        Assert.Equal((0.0, 0.0), (quiet.Scores["requests"].Value, quiet.Scores["request_rate"].Value));
        Assert.Equal("No predictions were posted to this imported deployment in the window: requests and request_rate are 0, no error rates or latency.", quiet.Note);
        Assert.True((await monitor.Get())!.Alerts.Single().Firing);

        // Healthy posts (every one with a status and a latency): the alert resolves, nothing is left out.
        at = fixture.Time.GetUtcNow();
        await world.Log.AppendAsync(Enumerable.Range(0, 10).Select(i => new PredictionRecord(imported, $"q{i}-{id}", at, 200, 5.0, null, null)).ToList());
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var healthy = Assert.Single(await monitor.Evaluate(MonitorKinds.Health));
        Assert.Equal((0.0, 5.0, (string?)null), (healthy.Scores["error_5xx_rate"].Value, healthy.Scores["latency_p99"].Value, healthy.Note));
        Assert.Equal([MonitorKinds.Resolved, MonitorKinds.Firing], (await world.Records.ReadAlertsAsync(id, 10)).Select(a => a.State));
    }

    [Fact]
    public async Task A_monitor_whose_deployment_is_gone_goes_to_Error_with_its_reason_and_ends_its_schedules()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var imported = await world.ImportAsync();
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        await world.CreateAsync(monitor, world.Spec(s => s with { Deployment = imported }));
        Assert.Equal(MonitorStatus.Active, (await monitor.Start()).Status);

        await fixture.Grains.GetGrain<IDeploymentGrain>(imported).Delete();
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(await monitor.Evaluate(MonitorKinds.Health));
        var view = (await monitor.Get())!;
        Assert.Equal(MonitorStatus.Error, view.Status);
        Assert.Contains($"deployment '{imported}' no longer exists", view.Reason, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<DKube.Abstractions.Errors.DomainException>(() => monitor.Evaluate(null));
        Assert.Equal("invalid-state", refused.Code);
        // A tick that was already due when it failed stores nothing.
        var tick = new TickStatus(fixture.Time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(5), fixture.Time.GetUtcNow().UtcDateTime);
        await monitor.AsReference<IRemindable>().ReceiveReminder("evaluate-health", tick);
        Assert.Empty(await world.Records.ReadResultsAsync(monitor.GetPrimaryKeyString(), null, null, 10));
    }

    [Fact]
    public async Task Health_of_a_served_deployment_reads_the_gateways_log_and_says_so()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        await world.CreateAsync(monitor, world.Spec());
        await world.TrafficAsync(30, 0, 51);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        var health = Assert.Single(await monitor.Evaluate(MonitorKinds.Health));

        Assert.Equal((MonitorKinds.FromGateway, 30L, (string?)null), (health.Source, health.Rows, health.Note));
        Assert.Equal((0.0, 0.0), (health.Scores["error_4xx_rate"].Value, health.Scores["error_5xx_rate"].Value));
        // TrafficAsync's latencies are 3 + i % 7 ms.
        Assert.Equal(9.0, health.Scores["latency_p99"].Value, 9);
    }
}
