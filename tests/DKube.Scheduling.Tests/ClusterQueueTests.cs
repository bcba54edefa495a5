using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class ClusterQueueTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(30);

    private static ClusterQueue Queue(int gpus = 4) => new(Cluster("c4", Node("n1", gpus)), Bound);

    [Fact]
    public void A_claim_on_a_busy_cluster_waits_instead_of_failing_and_starts_when_gpus_free_up()
    {
        var queue = Queue();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(ClaimOutcome.Placed, queue.Claim(Request($"a{i}", 1), "ga", T0).Outcome);
        }

        var waiting = queue.Claim(Request("b0", 1), "gb", T0);
        Assert.Equal(ClaimOutcome.Waiting, waiting.Outcome);
        Assert.Equal(1, waiting.Position);

        var placed = queue.Release("a2", T0.AddMinutes(1));
        var b0 = Assert.Single(placed);
        Assert.Equal("b0", b0.RequestId);
        Assert.Equal([2], b0.Placement.Workers.Single().GpuIndices);
    }

    [Fact]
    public void The_group_holding_fewest_gpus_goes_first_and_within_a_group_the_oldest()
    {
        var queue = Queue();
        queue.Claim(Request("a0", 1), "ga", T0);
        queue.Claim(Request("a1", 1), "ga", T0);
        queue.Claim(Request("a2", 1), "ga", T0);
        queue.Claim(Request("b0", 1), "gb", T0);
        queue.Claim(Request("a3", 1), "ga", T0.AddMinutes(1));
        queue.Claim(Request("b1", 1), "gb", T0.AddMinutes(2));
        queue.Claim(Request("b2", 1), "gb", T0.AddMinutes(3));

        // ga holds 3 GPUs, gb 1: gb's waiters rank first although ga's waited longer.
        Assert.Equal(["b1", "b2", "a3"], queue.QueueView(T0.AddMinutes(4)).Select(e => e.Waiter.Request.Id));
        Assert.Equal("b1", Assert.Single(queue.Release("a0", T0.AddMinutes(5))).RequestId);

        // Now both hold 2: the older waiter (a3) goes first.
        Assert.Equal("a3", Assert.Single(queue.Release("a1", T0.AddMinutes(6))).RequestId);
    }

    [Fact]
    public void Small_claims_pass_a_waiting_gang_only_until_it_has_aged_then_gpus_are_held_for_it()
    {
        var queue = Queue();
        queue.Claim(Request("a0", 1), "ga", T0);
        queue.Claim(Request("a1", 1), "ga", T0);
        queue.Claim(Request("a2", 1), "ga", T0);
        Assert.Equal(ClaimOutcome.Waiting, queue.Claim(Request("gang", 2, workers: 1), "gb", T0).Outcome);

        // Young gang: a small claim that fits passes it.
        Assert.Equal(ClaimOutcome.Placed, queue.Claim(Request("small", 1), "ga", T0.AddMinutes(1)).Outcome);
        Assert.Empty(queue.Release("small", T0.AddMinutes(2)));

        // Aged gang: freed GPUs are held for it; later small claims wait behind it.
        var late = T0 + Bound + TimeSpan.FromMinutes(1);
        Assert.Empty(queue.Release("a0", late));
        Assert.Equal(ClaimOutcome.Waiting, queue.Claim(Request("small3", 1), "ga", late).Outcome);
        Assert.Equal("gang", queue.QueueView(late).First().Waiter.Request.Id);
        Assert.Empty(queue.Release("a1", late));
        var gang = Assert.Single(queue.Release("a2", late));
        Assert.Equal("gang", gang.RequestId);
        Assert.Equal(4, gang.Placement.TotalGpus);
        Assert.Equal(1, queue.PositionOf("small3", late));
    }

    [Fact]
    public void Claims_are_idempotent_and_a_withdrawn_waiter_is_never_placed()
    {
        var queue = Queue(2);
        var first = queue.Claim(Request("a0", 2), "ga", T0);
        Assert.Equal(first.Placement, queue.Claim(Request("a0", 2), "ga", T0.AddMinutes(1)).Placement);
        Assert.Equal(1, queue.Claim(Request("b0", 1), "gb", T0).Position);
        Assert.Equal(1, queue.Claim(Request("b0", 1), "gb", T0.AddMinutes(1)).Position);
        Assert.Equal(1, queue.WaitingCount);

        Assert.Empty(queue.Release("b0", T0));
        Assert.Empty(queue.Release("b0", T0));
        Assert.Empty(queue.Release("a0", T0));
        Assert.Equal(0, queue.WaitingCount);
        Assert.Empty(queue.Inventory.Reservations);
    }

    [Fact]
    public void Only_a_shape_no_node_can_ever_hold_is_unplaceable_and_it_takes_no_place_in_the_queue()
    {
        var queue = Queue();
        Assert.Equal(ClaimOutcome.Unplaceable, queue.Claim(Request("big", 5), "ga", T0).Outcome);
        Assert.Equal(ClaimOutcome.Unplaceable, queue.Claim(Request("spread", 1, workers: 1, mode: DistributionMode.Manual), "ga", T0).Outcome);
        Assert.Equal(0, queue.WaitingCount);
    }

    [Fact]
    public void A_restored_queue_keeps_its_waiters_order_and_holder_groups()
    {
        var queue = Queue();
        queue.Claim(Request("a0", 3), "ga", T0);
        queue.Claim(Request("b0", 2), "gb", T0.AddMinutes(1));
        queue.Claim(Request("a1", 2), "ga", T0.AddMinutes(2));

        var restored = ClusterQueue.Restore(ClusterInventory.Restore(queue.Inventory.Snapshot()), Bound, queue.Snapshot());

        Assert.Equal(queue.QueueView(T0), restored.QueueView(T0));
        Assert.Equal("ga", restored.GroupOf("a0"));
        Assert.Equal(3, restored.UsageByGroup()["ga"]);
    }
}
