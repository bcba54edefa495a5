using DKube.Abstractions.Errors;
using DKube.Abstractions.Monitors;
using DKube.Abstractions.Serving;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;
using Npgsql;

namespace DKube.Grains.Tests.Monitors;

/// <summary>
/// The monitor grain over the real prediction log and records in PostgreSQL: the baseline's
/// schema and what is refused, drift and performance alerts after N consecutive breaches and
/// their resolution, a webhook that is down, and the durable schedule (reminders) with the
/// FakeTimeProvider's clock.
/// </summary>
[Collection(GrainCollection.Name)]
public sealed class MonitorGrainTests(GrainClusterFixture fixture)
{
    private static readonly AlertSpec DriftAlert = new("drift", MonitorKinds.Drift, [new AlertConditionSpec("drift_share", ">=", 0.5)], 2, null);

    [Fact]
    public async Task Create_infers_the_schema_from_the_baseline_and_is_ready()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));

        var view = await world.CreateAsync(monitor, world.Spec(s => s with { Features = [new MonitorFeature("x1", "categorical", null)] }));

        Assert.Equal(MonitorStatus.Ready, view.Status);
        Assert.Equal(MonitorWorld.BaselineRows, view.BaselineRows);
        Assert.Equal(
            [("x0", "continuous", "input"), ("x1", "categorical", "input"), ("prediction", "categorical", "prediction"), ("label", "categorical", "label")],
            view.Schema.Select(c => (c.Name, c.Kind, c.Role)));
        // The same spec again is the same monitor; another is a conflict.
        Assert.Equal(view.CreatedAt, (await world.CreateAsync(monitor, world.Spec(s => s with { Features = [new MonitorFeature("x1", "categorical", null)] }))).CreatedAt);
        Assert.Equal("already-exists", (await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(monitor, world.Spec()))).Code);
    }

    [Fact]
    public async Task Monitors_hold_places_in_their_groups_quota_counted_by_id_and_given_back_on_delete()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var group = fixture.Grains.GetGrain<IGroupGrain>(world.World.Group);
        await group.SetLimits(GroupLimits.None with { Monitors = 1 });
        var first = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var second = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));

        await world.CreateAsync(first, world.Spec());
        await world.CreateAsync(first, world.Spec()); // a retried create holds one place
        var refused = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(second, world.Spec()));
        Assert.Equal("quota-exceeded", refused.Code);
        Assert.Equal(new QuotaUse(world.World.Group, IObjectQuotas.Monitors, 1, 1), refused.Quota);
        Assert.Null(await second.Get());

        await first.Delete();
        Assert.Equal(0, (await group.GetObjectUse()).Single(q => q.Quota == IObjectQuotas.Monitors).Use);
        Assert.Equal(MonitorStatus.Ready, (await world.CreateAsync(second, world.Spec())).Status);
    }

    [Fact]
    public async Task What_cannot_be_a_baseline_or_a_threshold_is_refused_with_its_own_type_and_leaves_no_monitor()
    {
        var world = await MonitorWorld.CreateAsync(fixture, ("broken.csv", "a,b\n\"x,1\n"), ("notes.txt", "just a header"));

        async Task<string> RefusedAsync(MonitorSpec spec)
        {
            var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
            var error = await Assert.ThrowsAsync<DomainException>(() => world.CreateAsync(monitor, spec));
            Assert.Null(await monitor.Get());
            return $"{error.Code}: {error.Message}";
        }

        Assert.StartsWith("baseline-not-csv:", await RefusedAsync(world.Spec()));
        Assert.StartsWith("baseline-not-csv:", await RefusedAsync(world.Spec(file: "broken.csv")));
        Assert.StartsWith("baseline-not-csv:", await RefusedAsync(world.Spec(file: "notes.txt")));
        Assert.StartsWith("unknown-column:", await RefusedAsync(world.Spec(s => s with { Features = [new MonitorFeature("age", null, null)] }, "baseline.csv")));
        Assert.StartsWith("unknown-column:", await RefusedAsync(world.Spec(s => s with { Baseline = s.Baseline with { LabelColumn = "truth" } }, "baseline.csv")));
        Assert.StartsWith("unknown-column:", await RefusedAsync(world.Spec(s => s with
        {
            Alerts = [new AlertSpec("a", MonitorKinds.Drift, [new AlertConditionSpec("age", ">", 0.1)], 1, null)],
        }, "baseline.csv")));
        Assert.StartsWith("unknown-metric:", await RefusedAsync(world.Spec(s => s with
        {
            Alerts = [new AlertSpec("a", MonitorKinds.Performance, [new AlertConditionSpec("rmse", ">", 0.1)], 1, null)],
        }, "baseline.csv")));
        // Accuracy gets worse as it falls: soft must be at least hard. A KS p-value (300 baseline rows: 'auto' tests) likewise.
        Assert.StartsWith("invalid-threshold:", await RefusedAsync(world.Spec(s => s with
        {
            Thresholds = new Dictionary<string, ThresholdSpec> { ["accuracy"] = new(0.7, 0.9) },
        }, "baseline.csv")));
        Assert.StartsWith("invalid-threshold:", await RefusedAsync(world.Spec(s => s with
        {
            Thresholds = new Dictionary<string, ThresholdSpec> { ["x0"] = new(0.01, 0.05) },
        }, "baseline.csv")));
        Assert.StartsWith("invalid-threshold:", await RefusedAsync(world.Spec(s => s with
        {
            Schedule = s.Schedule with { Algorithm = "psi" },
            Thresholds = new Dictionary<string, ThresholdSpec> { ["x0"] = new(0.3, 0.1) },
        }, "baseline.csv")));
    }

    [Fact]
    public async Task Shifted_traffic_fires_the_drift_alert_after_its_consecutive_breaches_and_normal_traffic_resolves_it()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        await world.CreateAsync(monitor, world.Spec(s => s with
        {
            Alerts = [DriftAlert],
            Thresholds = new Dictionary<string, ThresholdSpec> { ["x0"] = new(0.05, 0.001) },
        }));

        async Task<MonitorResult> DriftAfterAsync(double shift, int seed)
        {
            await world.TrafficAsync(200, shift, seed);
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
            return Assert.Single(await monitor.Evaluate(MonitorKinds.Drift));
        }

        var normal = await DriftAfterAsync(0, 11);
        Assert.Equal(200, normal.Rows);
        Assert.Equal("ks", normal.Scores["x0"].Algorithm);
        Assert.True(normal.Scores["drift_share"].Value < 0.5, $"drift share {normal.Scores["drift_share"].Value}");
        var first = await DriftAfterAsync(0.6, 12);
        Assert.Equal(MonitorKinds.Critical, first.Scores["x0"].State);
        Assert.True(first.Scores["x0"].Value < 1e-6);
        Assert.Equal("chi2", first.Scores["prediction"].Algorithm);
        Assert.Empty(await world.Records.ReadAlertsAsync(monitor.GetPrimaryKeyString(), 10));
        Assert.Equal(1, (await monitor.Get())!.Alerts.Single().Breaches);
        var second = await DriftAfterAsync(0.6, 13);
        var fired = Assert.Single(await world.Records.ReadAlertsAsync(monitor.GetPrimaryKeyString(), 10));
        Assert.Equal((MonitorKinds.Firing, "drift", second.At, "drift_share"), (fired.State, fired.Alert, fired.Since, fired.Subject));
        Assert.True((await monitor.Get())!.Alerts.Single().Firing);

        // Deactivated: the alert state and the last evaluation are stored, the baseline is read again.
        await fixture.DeactivateAsync(monitor);
        var back = await DriftAfterAsync(0, 14);
        Assert.Equal(200, back.Rows);
        var history = await world.Records.ReadAlertsAsync(monitor.GetPrimaryKeyString(), 10);
        Assert.Equal([MonitorKinds.Resolved, MonitorKinds.Firing], history.Select(a => a.State));
        Assert.False((await monitor.Get())!.Alerts.Single().Firing);
        var series = await world.Records.ReadResultsAsync(monitor.GetPrimaryKeyString(), null, MonitorKinds.Drift, 100);
        Assert.Equal([normal.At, first.At, second.At, back.At], series.Select(r => r.At));
    }

    [Fact]
    public async Task Ground_truth_joined_by_request_id_scores_performance_and_fires_then_resolves_its_alert()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var id = monitor.GetPrimaryKeyString();
        await world.CreateAsync(monitor, world.Spec(s => s with
        {
            Alerts = [new AlertSpec("accuracy", MonitorKinds.Performance, [new AlertConditionSpec("accuracy", "<", 0.8)], 1, null)],
            Thresholds = new Dictionary<string, ThresholdSpec> { ["accuracy"] = new(0.9, 0.8) },
        }));

        var sent = await world.TrafficAsync(100, 0, 21);
        // 30 of 100 labels are wrong.
        await world.Records.AddGroundTruthAsync(id, sent.Select((s, i) => new GroundTruthRow(s.RequestId, (i < 30 ? 1 - s.Prediction : s.Prediction).ToString())).ToList(), fixture.Time.GetUtcNow());
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var poor = Assert.Single(await monitor.Evaluate(MonitorKinds.Performance));
        Assert.Equal(100, poor.Rows);
        Assert.Equal(0.7, poor.Scores["accuracy"].Value, 12);
        Assert.Equal(MonitorKinds.Critical, poor.Scores["accuracy"].State);
        Assert.Equal(MonitorKinds.Firing, Assert.Single(await world.Records.ReadAlertsAsync(id, 10)).State);

        var more = await world.TrafficAsync(50, 0, 22);
        await world.Records.AddGroundTruthAsync(id, more.Select(s => new GroundTruthRow(s.RequestId, s.Prediction.ToString())).ToList(), fixture.Time.GetUtcNow());
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var good = Assert.Single(await monitor.Evaluate(MonitorKinds.Performance));
        Assert.Equal((50, 1.0, MonitorKinds.Ok), (good.Rows, good.Scores["accuracy"].Value, good.Scores["accuracy"].State));
        Assert.Equal(MonitorKinds.Resolved, (await world.Records.ReadAlertsAsync(id, 10))[0].State);
    }

    [Fact]
    public async Task A_webhook_that_is_down_never_blocks_evaluation_and_is_retried_with_backoff_until_its_delivery_fails()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        // Port 9 (discard) on loopback: nothing listens, every attempt is refused at once.
        await world.CreateAsync(monitor, world.Spec(s => s with
        {
            Alerts = [DriftAlert with { Breaches = 1, Webhook = "http://127.0.0.1:9/hook" }],
        }));

        await world.TrafficAsync(200, 0.6, 31);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(await monitor.Evaluate(MonitorKinds.Drift));
        var delivery = Assert.Single((await monitor.Get())!.Deliveries);
        Assert.Equal((WebhookDelivery.Pending, MonitorKinds.Firing), (delivery.State, delivery.Event.State));

        // Each attempt after the first waits on the (fake) clock: 1 s, 2 s, 4 s, ...; evaluations go on meanwhile.
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            var seen = attempt;
            await Eventually.Until(monitor.Get, v => v!.Deliveries.Single().Attempts >= seen, TimeSpan.FromSeconds(30), $"attempt {seen}");
            Assert.Contains("refused", (await monitor.Get())!.Deliveries.Single().LastError!, StringComparison.OrdinalIgnoreCase);
            Assert.Single(await monitor.Evaluate(MonitorKinds.Health));
            fixture.Time.Advance(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)));
        }

        var failed = (await monitor.Get())!.Deliveries.Single();
        Assert.Equal((WebhookDelivery.Failed, 6), (failed.State, failed.Attempts));
    }

    [Fact]
    public async Task Start_keeps_a_durable_reminder_per_scheduled_component_whose_ticks_evaluate_only_when_due()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var id = monitor.GetPrimaryKeyString();
        await world.CreateAsync(monitor, world.Spec(s => s with { Schedule = s.Schedule with { PerformanceEveryMinutes = 0 } }));

        Assert.Equal(MonitorStatus.Active, (await monitor.Start()).Status);
        Assert.Equal(["evaluate-drift", "evaluate-health"], await RemindersAsync(id));

        // A tick runs the evaluation when the component is due: the first at once, then once a period has (nearly) passed.
        var remindable = monitor.AsReference<IRemindable>();
        var tick = new TickStatus(fixture.Time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(5), fixture.Time.GetUtcNow().UtcDateTime);
        await remindable.ReceiveReminder("evaluate-health", tick);
        await remindable.ReceiveReminder("evaluate-health", tick);
        Assert.Single(await world.Records.ReadResultsAsync(id, null, MonitorKinds.Health, 10));
        fixture.Time.Advance(TimeSpan.FromMinutes(4));
        await remindable.ReceiveReminder("evaluate-health", tick);
        Assert.Single(await world.Records.ReadResultsAsync(id, null, MonitorKinds.Health, 10));
        fixture.Time.Advance(TimeSpan.FromSeconds(31));
        await remindable.ReceiveReminder("evaluate-health", tick);
        var results = await world.Records.ReadResultsAsync(id, null, MonitorKinds.Health, 10);
        Assert.Equal(2, results.Count);
        Assert.Equal(results[0].At, results[1].From);

        // Stopped: the reminders are gone, a late tick does nothing.
        Assert.Equal(MonitorStatus.Stopped, (await monitor.Stop()).Status);
        Assert.Empty(await RemindersAsync(id));
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await remindable.ReceiveReminder("evaluate-health", tick);
        Assert.Equal(2, (await world.Records.ReadResultsAsync(id, null, MonitorKinds.Health, 10)).Count);

        await monitor.Delete();
        Assert.Null(await monitor.Get());
        Assert.Empty(await world.Records.ReadResultsAsync(id, null, null, 10));
    }

    [Fact]
    public async Task Health_scores_the_replicas_cpu_and_memory_from_the_executors_samples_against_their_thresholds()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        await world.CreateAsync(monitor, world.Spec(s => s with
        {
            Thresholds = new Dictionary<string, ThresholdSpec> { ["cpu_cores"] = new(1, 2), ["replica_memory_bytes_max"] = new(1e9, 2e9) },
            Alerts = [new AlertSpec("hot", MonitorKinds.Health, [new AlertConditionSpec("cpu_cores", ">", 2)], 1, null)],
        }));
        var replica = (await Eventually.Until(fixture.Grains.GetGrain<IDeploymentGrain>(world.Deployment).Get, d => d!.ReplicaList.Count == 1,
            TimeSpan.FromSeconds(60), "the replica"))!.ReplicaList.Single().WorkloadId;

        async Task<MonitorResult> HealthWithAsync(double cores, long bytes)
        {
            // What an executor's sampler reports for the replica (as GET /utilization shows it).
            await fixture.Grains.GetGrain<DKube.Abstractions.Live.IGroupUtilizationGrain>(world.World.Group).Record("sampler-" + world.World.Cluster,
                fixture.Time.GetUtcNow(), TimeSpan.FromHours(1), [new DKube.Abstractions.Live.WorkloadUsage(replica, "ann", world.World.Group, 0, null, cores, bytes)]);
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
            return Assert.Single(await monitor.Evaluate(MonitorKinds.Health));
        }

        var calm = await HealthWithAsync(0.5, 500_000_000);
        Assert.Equal((0.5, MonitorKinds.Ok), (calm.Scores["cpu_cores"].Value, calm.Scores["cpu_cores"].State));
        Assert.Equal((5e8, MonitorKinds.Ok), (calm.Scores["replica_memory_bytes_max"].Value, calm.Scores["replica_memory_bytes_max"].State));
        var hot = await HealthWithAsync(2.5, 1_500_000_000);
        Assert.Equal((2.5, MonitorKinds.Critical), (hot.Scores["cpu_cores"].Value, hot.Scores["cpu_cores"].State));
        Assert.Equal((1.5e9, MonitorKinds.Warning), (hot.Scores["memory_bytes"].Value, hot.Scores["replica_memory_bytes_max"].State));
        var fired = Assert.Single(await world.Records.ReadAlertsAsync(monitor.GetPrimaryKeyString(), 10));
        Assert.Equal(("hot", MonitorKinds.Firing, 2.5), (fired.Alert, fired.State, fired.Value));
    }

    [Theory]
    [InlineData(null, 10, 0.0, true)]
    [InlineData(0.0, 10, 9.0, true)]
    [InlineData(0.0, 10, 8.9, false)]
    [InlineData(0.0, 0, 100.0, false)]
    public void A_component_is_due_once_nine_tenths_of_its_period_have_passed(double? lastMinutes, int everyMinutes, double nowMinutes, bool due)
    {
        var origin = new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(due, Grains.Monitors.ScheduleMath.IsDue(lastMinutes is { } l ? origin.AddMinutes(l) : null, everyMinutes, origin.AddMinutes(nowMinutes)));
    }

    /// <summary>The reminders PostgreSQL holds for the monitor (what survives a restart).</summary>
    private async Task<IReadOnlyList<string>> RemindersAsync(string id)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT remindername FROM orleansreminderstable WHERE grainid LIKE @g ORDER BY remindername", connection);
        command.Parameters.AddWithValue("g", $"%{id}");
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
