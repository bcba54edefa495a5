using DKube.Abstractions.Errors;
using DKube.Abstractions.Monitors;
using DKube.Grains.Affinity;
using DKube.Grains.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace DKube.Grains.Tests.Monitors;

/// <summary>
/// Monitors that name a cluster, in a test cluster of two silos in different execution clusters
/// (<see cref="TwoClusterFixture"/>): the evaluation is computed on the silo of the named cluster
/// (its result says where, and equals the one the monitor's own silo computes), and a cluster
/// without a silo up leaves a visible error that the next tick clears once a silo of it is up.
/// </summary>
[Collection(TwoClusterCollection.Name)]
public sealed class MonitorClusterTests(TwoClusterFixture fixture)
{
    [Fact]
    public async Task A_monitor_naming_a_cluster_is_computed_on_the_silo_of_that_cluster()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var local = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var east = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var west = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        // Created at the same (fake) instant: the three evaluate the same live window.
        await world.CreateAsync(local, world.Spec());
        await world.CreateAsync(east, world.Spec(s => s with { Cluster = TwoClusterFixture.East }));
        await world.CreateAsync(west, world.Spec(s => s with { Cluster = TwoClusterFixture.West }));
        await world.TrafficAsync(200, 0.3, 31);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        var here = Assert.Single(await local.Evaluate(MonitorKinds.Drift));
        foreach (var (monitor, cluster) in new[] { (east, TwoClusterFixture.East), (west, TwoClusterFixture.West) })
        {
            var result = Assert.Single(await monitor.Evaluate(MonitorKinds.Drift));

            Assert.Equal(new MonitorProvenance(cluster, SiloOf(cluster).SiloAddress.ToString()), result.ComputedOn);
            Assert.Equal(200, result.Rows);
            Assert.Equal(here.Scores.OrderBy(s => s.Key), result.Scores.OrderBy(s => s.Key));
            // Stored with the result, as GET /monitors/{id}/results shows it.
            var stored = Assert.Single(await world.Records.ReadResultsAsync(monitor.GetPrimaryKeyString(), null, MonitorKinds.Drift, 10));
            Assert.Equal(result.ComputedOn, stored.ComputedOn);
        }

        // The monitor's own silo computed the one without a cluster.
        Assert.Contains(here.ComputedOn!.Cluster, new[] { TwoClusterFixture.East, TwoClusterFixture.West });
        Assert.Equal(SiloOf(here.ComputedOn.Cluster).SiloAddress.ToString(), here.ComputedOn.Silo);
    }

    [Fact]
    public async Task With_no_silo_of_the_named_cluster_the_evaluation_records_an_error_and_a_later_tick_computes_there()
    {
        var world = await MonitorWorld.CreateAsync(fixture);
        var monitor = fixture.Grains.GetGrain<IMonitorGrain>(GrainClusterFixture.NewKey("m"));
        var id = monitor.GetPrimaryKeyString();
        await world.CreateAsync(monitor, world.Spec(s => s with { Cluster = TwoClusterFixture.South }));
        await monitor.Start();
        await world.TrafficAsync(20, 0, 41);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        // Asked now: a 503 with its own type, and the monitor says why; it stays Active.
        var refused = await Assert.ThrowsAsync<DomainException>(() => monitor.Evaluate(MonitorKinds.Health));
        Assert.Equal((ErrorKind.Unavailable, "cluster-unavailable"), (refused.Kind, refused.Code));
        var view = (await monitor.Get())!;
        Assert.Equal(MonitorStatus.Active, view.Status);
        Assert.Equal((MonitorKinds.Health, "cluster-unavailable"), (view.LastError?.Component, view.LastError?.Type));
        Assert.Contains(TwoClusterFixture.South, view.LastError!.Message);

        // A scheduled tick fails the same way without throwing, and stores nothing.
        var remindable = monitor.AsReference<IRemindable>();
        var tick = new TickStatus(fixture.Time.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(5), fixture.Time.GetUtcNow().UtcDateTime);
        await remindable.ReceiveReminder("evaluate-health", tick);
        Assert.Empty(await world.Records.ReadResultsAsync(id, null, null, 10));
        Assert.NotNull((await monitor.Get())!.LastError);

        // A silo of the cluster comes up: a later tick is computed on it and clears the error.
        var south = await fixture.Cluster.StartAdditionalSiloAsync();
        try
        {
            var (results, _) = await Eventually.Until(async () =>
            {
                await remindable.ReceiveReminder("evaluate-health", tick);
                // The view says why while there is no result yet (a timeout prints it).
                return (await world.Records.ReadResultsAsync(id, null, MonitorKinds.Health, 10), Why: $"{(await monitor.Get())!.Status} {(await monitor.Get())!.LastError}");
            }, r => r.Item1.Count > 0, what: "a health result computed once a silo of the cluster is up");

            var result = Assert.Single(results);
            Assert.Equal(new MonitorProvenance(TwoClusterFixture.South, south.SiloAddress.ToString()), result.ComputedOn);
            Assert.Equal(20, result.Rows);
            Assert.Null((await monitor.Get())!.LastError);
        }
        finally
        {
            await monitor.Delete();
            await fixture.Cluster.StopSiloAsync(south);
        }
    }

    private InProcessSiloHandle SiloOf(string cluster) =>
        fixture.Cluster.Silos.Single(s => s.ServiceProvider.GetRequiredService<SiloCluster>().Name == cluster);
}
