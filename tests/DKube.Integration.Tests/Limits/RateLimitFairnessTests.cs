using System.Globalization;
using System.Net;
using DKube.Api.Limits;
using DKube.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DKube.Integration.Tests.Limits;

/// <summary>
/// Fair service under overload over real HTTP: with the server's one slot taken, requests wait in
/// per-tenant queues served in turn, so a tenant's flood delays that tenant, not the next one.
/// </summary>
public sealed class RateLimitFairnessTests(FairServerFixture fixture) : IClassFixture<FairServerFixture>
{
    private FairRequestQueue Queue => fixture.Server.Server.App.Services.GetRequiredService<RequestLanes>().Reads;

    [Fact]
    public async Task A_request_of_another_tenant_is_served_before_the_flooding_tenants_backlog()
    {
        var (_, flooder, a) = await fixture.Server.NewTenantAsync();
        var (_, other, b) = await fixture.Server.NewTenantAsync();
        using var __ = a;
        using var ___ = b;

        // The test holds the server's only slot, so what arrives now queues: the flood (10 requests),
        // then the other tenant's one request.
        var held = await Queue.EnterAsync("test-holder", CancellationToken.None);
        Task<Infrastructure.Reply>[] flood;
        Task<Infrastructure.Reply> single;
        using (held)
        {
            flood = Enumerable.Range(0, 10).Select(_ => a.Get("me")).ToArray();
            await Eventually.TrueAsync(() => Queue.Waiting(flooder) == 10, "the flood to wait");
            single = b.Get("me");
            await Eventually.TrueAsync(() => Queue.Waiting(other) == 1, "the other tenant's request to wait");
        }

        // The test queues again at once as a third tenant, so the server stops when the test's turn
        // comes: by then turns have served the other tenant, while one FIFO would have served the
        // whole flood first (and the test last).
        using (await Queue.EnterAsync("test-holder", CancellationToken.None))
        {
            Assert.Equal(0, Queue.Waiting(other));
            Assert.InRange(Queue.Waiting(flooder), 7, 10);
        }

        (await single).Expect(HttpStatusCode.OK);
        Assert.All(await Task.WhenAll(flood), r => r.Expect(HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_tenant_beyond_its_queue_is_429_while_another_tenant_still_queues()
    {
        var (_, flooder, a) = await fixture.Server.NewTenantAsync();
        var (_, other, b) = await fixture.Server.NewTenantAsync();
        using var __ = a;
        using var ___ = b;

        var held = await Queue.EnterAsync("test-holder", CancellationToken.None);
        Task<Infrastructure.Reply>[] waiting;
        Infrastructure.Reply refusal;
        Task<Infrastructure.Reply> single;
        using (held)
        {
            waiting = Enumerable.Range(0, FairServerFixture.QueueLimit).Select(_ => a.Get("me")).ToArray();
            await Eventually.TrueAsync(() => Queue.Waiting(flooder) == FairServerFixture.QueueLimit, "the flooder's queue to fill");
            refusal = await a.Get("me");
            single = b.Get("me");
            await Eventually.TrueAsync(() => Queue.Waiting(other) == 1, "the other tenant's request to wait");
        }

        refusal.ExpectProblem(HttpStatusCode.TooManyRequests);
        Assert.Equal("https://dkube.io/problems/rate-limited", refusal["type"]);
        Assert.Equal("queue", refusal["limit"]);
        Assert.Equal(FairServerFixture.QueueLimit, int.Parse(refusal["queueLimit"], CultureInfo.InvariantCulture));
        Assert.Equal("1", refusal.RetryAfter);
        (await single).Expect(HttpStatusCode.OK);
        Assert.All(await Task.WhenAll(waiting), r => r.Expect(HttpStatusCode.OK));
    }

    [Fact]
    public async Task The_operator_is_never_queued()
    {
        var held = await Queue.EnterAsync("test-holder", CancellationToken.None);
        using (held)
        {
            using var op = fixture.Server.Operator;
            (await op.Get("me")).Expect(HttpStatusCode.OK);
        }
    }
}
