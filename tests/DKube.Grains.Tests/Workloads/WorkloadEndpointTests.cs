using DKube.Abstractions.Pools;
using DKube.Abstractions.Workloads;
using DKube.Grains.Tests.Infrastructure;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Workloads;

/// <summary>An IDE's endpoint travels from its executor to its view while it runs, and goes when it ends.</summary>
[Collection(GrainCollection.Name)]
public sealed class WorkloadEndpointTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_running_ide_shows_its_servers_endpoint_and_base_url_which_go_when_it_stops_and_change_with_a_new_attempt()
    {
        var cluster = await fixture.Grains.NewClusterAsync(1);
        var group = GrainClusterFixture.NewKey("g");
        await fixture.Grains.GetGrain<IGroupPoolGrain>(group).Configure(1, [cluster.Name()], QueuePolicy.BestEffortFifo, null);
        var id = GrainClusterFixture.NewKey("i");
        var ide = fixture.Grains.GetGrain<IWorkloadGrain>(id);
        // The server answers with its base URL, so the test sees what the grain told it.
        var command = "mkdir -p s && printf %s \"$DKUBE_BASE_URL\" > s/base && cd s && exec /usr/bin/python3 -m http.server \"$PORT\" --bind \"$DKUBE_BIND_ADDRESS\"";
        var spec = new WorkloadSpec("lab", "jupyterlab", group, null, null, null, command, [], null, new Dictionary<string, string>(), 0, false, null, null, [],
            TimeSpan.FromHours(1), new Dictionary<string, string>());
        await ide.Create(WorkloadType.Ide, spec, "ann", null, null);

        var first = await Eventually.Until(ide.Get, v => v!.Endpoint is not null, what: "the IDE's endpoint");
        using var http = new HttpClient();
        var baseUrl = await Eventually.Until(() => http.TryGetStringAsync(first!.Endpoint + "/base"), b => b is not null, what: "its server to answer");
        var stopped = await StopAsync(ide);
        await ide.Start();
        var second = await Eventually.Until(ide.Get, v => v!.Endpoint is not null, what: "the new attempt's endpoint");
        await StopAsync(ide);

        Assert.Equal(WorkloadStatus.Running, first!.Status);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", first.Endpoint);
        Assert.Equal($"/ides/{id}/lab/", baseUrl);
        Assert.Null(stopped.Endpoint);
        Assert.Equal(2, second!.Attempt);
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", second.Endpoint);
    }

    private static async Task<WorkloadView> StopAsync(IWorkloadGrain ide)
    {
        await ide.Stop();
        return (await Eventually.Until(ide.Get, v => v!.Status == WorkloadStatus.Stopped, what: "the IDE to stop"))!;
    }
}
