using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class QueuePolicyTests
{
    [Fact]
    public void Strict_fifo_head_blocks_a_later_request_that_would_fit()
    {
        var pool = Pool(4, policy: QueuePolicy.StrictFifo);
        pool.Submit(Request("r1", 2), T0);
        pool.Submit(Request("big", 4), T0);

        var small = pool.Submit(Request("small", 1), T0);

        Assert.Equal(2, Queued(small).Position);
        Assert.Equal(2, pool.Used);
    }

    [Fact]
    public void Strict_fifo_admits_in_queue_order_when_capacity_returns()
    {
        var pool = Pool(4, policy: QueuePolicy.StrictFifo);
        pool.Submit(Request("r1", 4), T0);
        pool.Submit(Request("a", 3), T0);
        pool.Submit(Request("b", 1), T0);
        pool.Submit(Request("c", 1), T0);

        var admitted = pool.Release("r1", T0.AddMinutes(1));

        Assert.Equal(["a", "b"], admitted.Select(a => a.Request.Id));
        Assert.Equal("c", Assert.Single(pool.QueueView(T0)).Request.Id);
    }

    [Fact]
    public void Best_effort_lets_a_later_request_that_fits_pass_a_young_head()
    {
        var pool = Pool(4, policy: QueuePolicy.BestEffortFifo, maxHeadAge: TimeSpan.FromMinutes(30));
        pool.Submit(Request("r1", 2), T0);
        pool.Submit(Request("big", 4), T0);

        var small = pool.Submit(Request("small", 2), T0.AddMinutes(10));

        Assert.IsType<AdmittedDecision>(small);
        Assert.Equal("big", Assert.Single(pool.QueueView(T0.AddMinutes(10))).Request.Id);
    }

    [Fact]
    public void Best_effort_lets_nothing_pass_a_head_older_than_the_max_head_age()
    {
        var pool = Pool(4, policy: QueuePolicy.BestEffortFifo, maxHeadAge: TimeSpan.FromMinutes(30));
        pool.Submit(Request("r1", 2), T0);
        pool.Submit(Request("big", 4), T0);

        var small = pool.Submit(Request("small", 2), T0.AddMinutes(31));

        Assert.Equal(2, Queued(small).Position);
        Assert.Equal(2, pool.Used);
    }

    [Fact]
    public void Best_effort_aged_head_gets_the_capacity_it_waited_for()
    {
        var pool = Pool(4, policy: QueuePolicy.BestEffortFifo, maxHeadAge: TimeSpan.FromMinutes(30));
        pool.Submit(Request("r1", 2), T0);
        pool.Submit(Request("r2", 2), T0);
        pool.Submit(Request("big", 4), T0);
        pool.Submit(Request("small", 2), T0.AddMinutes(40));

        var afterFirst = pool.Release("r1", T0.AddMinutes(45));
        var afterSecond = pool.Release("r2", T0.AddMinutes(50));

        Assert.Empty(afterFirst);
        Assert.Equal("big", Assert.Single(afterSecond).Request.Id);
    }

    [Fact]
    public void Best_effort_scan_admits_later_requests_in_order_while_they_fit()
    {
        var pool = Pool(6, policy: QueuePolicy.BestEffortFifo);
        pool.Submit(Request("r1", 4), T0);
        pool.Submit(Request("r2", 2), T0);
        pool.Submit(Request("big", 6), T0);
        pool.Submit(Request("a", 3), T0);
        pool.Submit(Request("b", 2), T0);
        pool.Submit(Request("c", 1), T0);

        var admitted = pool.Release("r1", T0.AddMinutes(1));

        // 4 GPUs come back: "a" takes 3, "b" no longer fits in the 1 left, "c" does.
        Assert.Equal(["a", "c"], admitted.Select(a => a.Request.Id));
        Assert.Equal(["big", "b"], pool.QueueView(T0).Select(e => e.Request.Id));
    }
}
