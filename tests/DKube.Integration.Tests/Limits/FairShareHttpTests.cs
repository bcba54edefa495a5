using System.Net;
using DKube.Api.Limits;
using DKube.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Integration.Tests.Limits;

/// <summary>
/// Fair shares over real HTTP: a tenant whose submissions are slow holds at most its share of the
/// write slots (the test holds them for it, as its slow accepted requests would), so another tenant's
/// submissions and reads complete while the flood's backlog waits; reads never wait for write slots.
/// </summary>
public sealed class FairShareHttpTests(ShareServerFixture fixture) : IClassFixture<ShareServerFixture>
{
    private RequestLanes Lanes => fixture.Server.Server.App.Services.GetRequiredService<RequestLanes>();

    [Fact]
    public async Task Another_tenants_requests_complete_while_a_flooding_tenant_holds_its_whole_share()
    {
        var (_, flooder, a) = await fixture.Server.NewTenantAsync();
        var (_, _, b) = await fixture.Server.NewTenantAsync();
        using var __ = a;
        using var ___ = b;
        var seeded = (await b.Post("runs", new { name = "seed", kind = "training", command = "true", gpus = 0 })).Expect(HttpStatusCode.Created)["id"];
        var writes = Lanes.Writes;

        // The flood's slow submissions in flight: as many write slots as one tenant may hold.
        var held = new List<IDisposable>();
        while (writes.Held(flooder) < writes.Concurrency - writes.Reserve)
        {
            held.Add((await writes.EnterAsync(flooder, CancellationToken.None))!);
        }

        Assert.Equal(ShareServerFixture.Slots - 1, held.Count);
        var flood = Enumerable.Range(0, 12).Select(i => a.Post("runs", new { name = $"flood-{i}", kind = "training", command = "true", gpus = 0 })).ToArray();
        await Eventually.TrueAsync(() => writes.Waiting(flooder) == flood.Length, "the flood to wait for its turn");

        // The other tenant's submission and read complete; none of the flood's backlog went first.
        (await b.Post("runs", new { name = "steady", kind = "training", command = "true", gpus = 0 })).Expect(HttpStatusCode.Created);
        (await b.Get($"runs/{seeded}")).Expect(HttpStatusCode.OK);
        Assert.Equal(flood.Length, writes.Waiting(flooder));
        Assert.Equal(ShareServerFixture.Slots - 1, writes.Held(flooder));

        // Every write slot taken (a third tenant holds the reserve): reads still pass, in their own lane.
        using (await writes.EnterAsync("third", CancellationToken.None))
        {
            (await b.Get($"runs/{seeded}")).Expect(HttpStatusCode.OK);
            (await b.Get("runs?scope=mine")).Expect(HttpStatusCode.OK);
        }

        // The flood's own slots end: its backlog is served, all of it.
        held.ForEach(s => s.Dispose());
        Assert.All(await Task.WhenAll(flood), r => r.Expect(HttpStatusCode.Created));
        Assert.Equal(0, writes.Held(flooder));
    }
}
