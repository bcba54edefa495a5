using DKube.Api.Limits;

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
