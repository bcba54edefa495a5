using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

/// <summary>The counts a pool keeps beside its queue (per owner, per size) stay exact as requests come and go.</summary>
public class QueueIndexTests
{
    [Fact]
    public void A_submit_without_an_estimate_queues_at_the_same_position_with_no_estimate()
    {
        var pool = Pool(2);
        pool.Submit(Request("r1", 2), T0);

        var estimated = Queued(pool.Submit(Request("r2", 2), T0));
        var unestimated = Queued(pool.Submit(Request("r3", 2), T0, estimateStart: false));

        Assert.Equal(T0.AddHours(1), estimated.EstimatedStart);
        Assert.Equal(2, unestimated.Position);
        Assert.Null(unestimated.EstimatedStart);
        Assert.Equal(T0.AddHours(2), pool.QueueView(T0)[1].EstimatedStart);
    }

    [Fact]
    public void Resubmitting_a_waiting_request_answers_its_place_and_estimates_only_when_asked()
    {
        var pool = Pool(2);
        pool.Submit(Request("r1", 2), T0);
        pool.Submit(Request("r2", 2), T0);
        pool.Submit(Request("r3", 1), T0);

        var again = Queued(pool.Submit(Request("r3", 1), T0, estimateStart: false));
        var estimated = Queued(pool.Submit(Request("r3", 1), T0));

        Assert.Equal((2, (DateTimeOffset?)null), (again.Position, again.EstimatedStart));
        Assert.Equal((2, pool.QueueView(T0)[1].EstimatedStart), (estimated.Position, estimated.EstimatedStart));
        Assert.NotNull(estimated.EstimatedStart);
        Assert.Equal(2, pool.QueueView(T0).Count);
    }

    [Fact]
    public void The_per_owner_count_follows_admissions_cancellations_and_restores()
    {
        var pool = Pool(1);
        pool.Submit(Request("r0", 1), T0);
        foreach (var id in new[] { "a1", "a2", "a3" })
            pool.Submit(Request(id, 1) with { Owner = "ann" }, T0);
        pool.Submit(Request("b1", 1) with { Owner = "bob" }, T0);

        pool.Release("a2", T0);
        pool.Release("r0", T0);
        var restored = GroupPool.Restore(pool.Snapshot());

        Assert.Equal(1, pool.QueuedOf("ann"));
        Assert.Equal(1, pool.QueuedOf("bob"));
        Assert.Equal(1, restored.QueuedOf("ann"));
        Assert.Equal(0, restored.QueuedOf("alice"));
    }

    [Fact]
    public void A_gpu_free_request_behind_an_old_head_starts_once_the_queue_may_be_passed_even_with_no_gpu_free()
    {
        var pool = Pool(2, policy: QueuePolicy.BestEffortFifo, maxHeadAge: TimeSpan.FromMinutes(10));
        pool.Submit(Request("running", 2), T0);
        pool.Submit(Request("head", 2), T0);
        var later = T0.AddMinutes(20);
        Queued(pool.Submit(Request("cpu-only", 0), later));

        var admitted = pool.Release("head", later);

        Assert.Equal(["cpu-only"], admitted.Select(a => a.Request.Id));
        Assert.Equal(0, pool.QueueLength);
    }
}
