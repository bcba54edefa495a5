using DKube.Api.Limits;
using DKube.Scheduling;

namespace DKube.Integration.Tests.Limits;

/// <summary>
/// The fair request queue's shares, driven directly (no HTTP, no clock): a flooding tenant holds at
/// most all slots but the reserve, and once another tenant asks, every slot the flood frees goes to
/// that tenant until it has its max-min share.
/// </summary>
public sealed class FairRequestQueueTests
{
    private static async Task<List<IDisposable>> EnterAsync(FairRequestQueue queue, string tenant, int count)
    {
        var slots = new List<IDisposable>();
        for (var i = 0; i < count; i++)
        {
            slots.Add((await queue.EnterAsync(tenant, CancellationToken.None))!);
        }

        return slots;
    }

    [Fact]
    public async Task A_tenant_alone_holds_all_slots_but_the_reserve_and_another_tenant_enters_at_once()
    {
        var queue = new FairRequestQueue(concurrency: 8, queueLimit: 100, reserve: 2);
        var held = await EnterAsync(queue, "a", 6);
        var waiting = Enumerable.Range(0, 4).Select(_ => queue.EnterAsync("a", CancellationToken.None).AsTask()).ToList();

        Assert.Equal(6, queue.Held("a"));
        Assert.Equal(4, queue.Waiting("a"));
        Assert.All(waiting, w => Assert.False(w.IsCompleted));

        // b finds a reserved slot, though a has four requests waiting.
        using var b = await queue.EnterAsync("b", CancellationToken.None);
        Assert.Equal(1, queue.Held("b"));

        held.ForEach(s => s.Dispose());
        foreach (var slot in await Task.WhenAll(waiting))
        {
            slot!.Dispose();
        }

        Assert.Equal(0, queue.Held("a"));
    }

    [Fact]
    public async Task Slots_the_flood_frees_go_to_the_tenant_below_its_share_until_it_has_it()
    {
        var queue = new FairRequestQueue(concurrency: 8, queueLimit: 100, reserve: 2);
        var a = await EnterAsync(queue, "a", 6);
        var aWaiting = Enumerable.Range(0, 10).Select(_ => queue.EnterAsync("a", CancellationToken.None).AsTask()).ToList();
        var b = await EnterAsync(queue, "b", 2);
        // Every slot is taken; b asks for four more: a (16 wanted) and b (6 wanted) share 8 as 4 and 4.
        var bWaiting = Enumerable.Range(0, 4).Select(_ => queue.EnterAsync("b", CancellationToken.None).AsTask()).ToList();
        Assert.Equal(4, queue.Share());

        // a's first two freed slots go to b (a holds more than its share), although a waited first.
        a[0].Dispose();
        a[1].Dispose();
        Assert.Equal(4, queue.Held("b"));
        Assert.Equal(4, queue.Held("a"));
        Assert.Equal(2, queue.Waiting("b"));
        Assert.Equal(10, queue.Waiting("a"));

        // At their shares, turns alternate: a freed slot of b's goes to b's next request, one of a's to a's.
        b[0].Dispose();
        Assert.Equal(1, queue.Waiting("b"));
        a[2].Dispose();
        Assert.Equal(9, queue.Waiting("a"));
        Assert.Equal(4, queue.Held("a"));
        Assert.Equal(4, queue.Held("b"));
        // Granted as the slots were freed, in b's order; b's fourth still waits.
        Assert.All(bWaiting.Take(3), t => Assert.True(t.IsCompletedSuccessfully));
        Assert.False(bWaiting[3].IsCompleted);
    }

    [Fact]
    public async Task A_share_grows_back_when_the_other_tenant_stops_asking()
    {
        var queue = new FairRequestQueue(concurrency: 8, queueLimit: 100, reserve: 2);
        var b = await EnterAsync(queue, "b", 4);
        var a = await EnterAsync(queue, "a", 4);
        var aWaiting = Enumerable.Range(0, 3).Select(_ => queue.EnterAsync("a", CancellationToken.None).AsTask()).ToList();
        Assert.Equal(4, queue.Share());

        // b is done: a alone may hold 6 (8 minus the reserve); its waiting requests take them.
        b.ForEach(s => s.Dispose());
        Assert.Equal(6, queue.Held("a"));
        Assert.Equal(1, queue.Waiting("a"));
    }

    [Fact]
    public async Task A_flood_coming_and_going_above_the_level_does_not_compute_the_share_again()
    {
        var queue = new FairRequestQueue(concurrency: 8, queueLimit: 1000, reserve: 2);
        var b = await EnterAsync(queue, "b", 2);
        var a = await EnterAsync(queue, "a", 6);
        var aWaiting = Enumerable.Range(0, 20).Select(_ => queue.EnterAsync("a", CancellationToken.None).AsTask()).ToList();
        Assert.Equal(6, queue.Share());
        var computed = queue.ShareComputations;

        // A hundred of a's requests end and as many arrive: its demand stays far above the level.
        for (var i = 0; i < 100; i++)
        {
            a[0].Dispose();
            a.RemoveAt(0);
            // a is below its share now: its freed slot goes to its own oldest waiting request.
            var granted = aWaiting[0];
            aWaiting.RemoveAt(0);
            a.Add((await granted)!);
            aWaiting.Add(queue.EnterAsync("a", CancellationToken.None).AsTask());
        }

        Assert.Equal(computed, queue.ShareComputations);
        Assert.Equal(6, queue.Held("a"));
        Assert.Equal(20, queue.Waiting("a"));

        // b asking for more moves the level (b's demand is below it): computed again, and b's request,
        // the newest, is granted ahead of a's twenty.
        var bMore = queue.EnterAsync("b", CancellationToken.None).AsTask();
        Assert.Equal(5, queue.Share());
        Assert.True(queue.ShareComputations > computed);
        a[0].Dispose();
        b.Add((await bMore)!);
        Assert.Equal(3, queue.Held("b"));
        Assert.Equal(5, queue.Held("a"));
        Assert.Equal(20, queue.Waiting("a"));
        b.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task The_kept_share_is_always_the_share_computed_from_what_every_tenant_holds_and_waits_for()
    {
        var random = new Random(18);
        var queue = new FairRequestQueue(concurrency: 10, queueLimit: 15, reserve: 1);
        var tenants = new[] { "a", "b", "c", "d" };
        var held = tenants.ToDictionary(t => t, _ => new List<IDisposable>());
        var waiting = tenants.ToDictionary(t => t, _ => new List<(Task<IDisposable?> Slot, CancellationTokenSource Cancel)>());
        for (var step = 0; step < 3_000; step++)
        {
            var tenant = tenants[random.Next(tenants.Length)];
            switch (random.Next(3))
            {
                case 0:
                    var cancel = new CancellationTokenSource();
                    waiting[tenant].Add((queue.EnterAsync(tenant, cancel.Token).AsTask(), cancel));
                    break;
                case 1 when held[tenant].Count > 0:
                    var i = random.Next(held[tenant].Count);
                    held[tenant][i].Dispose();
                    held[tenant].RemoveAt(i);
                    break;
                case 2 when waiting[tenant].Count > 0:
                    var j = random.Next(waiting[tenant].Count);
                    await waiting[tenant][j].Cancel.CancelAsync();
                    break;
            }

            // The queue decides under its lock; a request it granted or let go later completes off that
            // thread: wait for as many as it no longer counts as waiting.
            foreach (var name in tenants)
            {
                while (waiting[name].Where(w => !w.Slot.IsCompleted).Select(w => w.Slot).ToList() is var pending && pending.Count > queue.Waiting(name))
                {
                    await Task.WhenAny(pending);
                }

                foreach (var w in waiting[name].Where(w => w.Slot.IsCompleted).ToList())
                {
                    waiting[name].Remove(w);
                    if (w.Slot.IsCompletedSuccessfully && await w.Slot is { } slot)
                    {
                        held[name].Add(slot);
                    }
                }

                Assert.Equal(held[name].Count, queue.Held(name));
                Assert.Equal(waiting[name].Count, queue.Waiting(name));
            }

            var share = FairShare.Cap(10, 1, tenants.Select(t => held[t].Count + waiting[t].Count));
            Assert.Equal(share, queue.Share());
            Assert.True(tenants.Sum(t => held[t].Count) <= 10);
            // Nobody was granted a slot above the share while another tenant waited below it.
            Assert.False(tenants.Any(t => waiting[t].Count > 0 && held[t].Count < share) && tenants.Sum(t => held[t].Count) < 10,
                $"step {step}: a free slot while a tenant below its share waits");
        }

    }

    [Fact]
    public void The_write_lane_has_four_slots_per_core_unless_set_and_never_more_than_the_read_lane()
    {
        var defaults = RequestLanes.For(new TenantLimitSettings());
        Assert.Equal(16 * Environment.ProcessorCount, defaults.Reads.Concurrency);
        Assert.Equal(TenantLimitSettings.DefaultWritesPerCore * Environment.ProcessorCount, defaults.Writes.Concurrency);

        Assert.Equal(3, RequestLanes.For(new TenantLimitSettings(MaxConcurrentRequests: 3)).Writes.Concurrency);
        var set = RequestLanes.For(new TenantLimitSettings(MaxConcurrentRequests: 3, MaxConcurrentWrites: 12));
        Assert.Equal(12, set.Writes.Concurrency);
        Assert.Equal(3, set.Reads.Concurrency);
        Assert.Throws<InvalidOperationException>(() => new TenantLimitSettings(MaxConcurrentWrites: -1).Validate());
    }

    [Fact]
    public async Task A_request_that_gives_up_leaves_its_queue_and_a_full_queue_is_refused()
    {
        var queue = new FairRequestQueue(concurrency: 1, queueLimit: 2, reserve: 0);
        using var held = await queue.EnterAsync("a", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var first = queue.EnterAsync("a", cancel.Token).AsTask();
        var second = queue.EnterAsync("a", CancellationToken.None).AsTask();

        Assert.Null(await queue.EnterAsync("a", CancellationToken.None));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(1, queue.Waiting("a"));
        Assert.False(second.IsCompleted);
    }
}
