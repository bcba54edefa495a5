using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class AdmissionTests
{
    [Fact]
    public void Three_two_gpu_requests_in_a_four_gpu_pool_admit_two_and_queue_the_third_at_position_one()
    {
        var pool = Pool(4);

        var first = pool.Submit(Request("r1", 2), T0);
        var second = pool.Submit(Request("r2", 2), T0);
        var third = pool.Submit(Request("r3", 2), T0);

        Assert.IsType<AdmittedDecision>(first);
        Assert.IsType<AdmittedDecision>(second);
        Assert.Equal(1, Queued(third).Position);
        Assert.Equal(4, pool.Used);
        Assert.Equal(0, pool.Free);
    }

    [Fact]
    public void Releasing_a_running_request_admits_the_waiting_one()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 2), T0);
        pool.Submit(Request("r2", 2), T0);
        pool.Submit(Request("r3", 2), T0);

        var admitted = pool.Release("r1", T0.AddMinutes(5));

        Assert.Equal("r3", Assert.Single(admitted).Request.Id);
        Assert.Equal(T0.AddMinutes(5), admitted[0].AdmittedAt);
        Assert.Equal(0, pool.QueueLength);
        Assert.Equal(4, pool.Used);
    }

    [Fact]
    public void Request_larger_than_the_pool_is_rejected()
    {
        var pool = Pool(4);

        var rejected = Rejected(pool.Submit(Request("r1", 5), T0));

        Assert.Equal(RejectionReason.ExceedsPoolSize, rejected.Reason);
        Assert.Contains("5", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(0, pool.Used);
        Assert.Equal(0, pool.QueueLength);
    }

    [Fact]
    public void Distributed_request_counts_the_master_and_every_worker_against_the_pool()
    {
        var pool = Pool(4);

        var rejected = Rejected(pool.Submit(Request("r1", 2, workers: 2), T0));

        Assert.Equal(RejectionReason.ExceedsPoolSize, rejected.Reason);
    }

    [Fact]
    public void Request_for_a_cluster_outside_the_group_is_rejected()
    {
        var pool = Pool(4);

        Assert.Equal(RejectionReason.UnknownCluster, Rejected(pool.Submit(Request("r1", 1, cluster: "elsewhere"), T0)).Reason);
    }

    [Fact]
    public void Request_that_no_node_shape_could_ever_hold_is_rejected_instead_of_blocking_the_queue()
    {
        var pool = Pool(8, nodeGpus: 4);

        Assert.Equal(RejectionReason.Unplaceable, Rejected(pool.Submit(Request("r1", 6), T0)).Reason);
        Assert.Equal(RejectionReason.Unplaceable, Rejected(pool.Submit(Request("r2", 1, affinity: ["production"]), T0)).Reason);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(1, -1)]
    public void Malformed_request_is_rejected_as_invalid(int gpus, int workers)
    {
        var pool = Pool(4);

        Assert.Equal(RejectionReason.InvalidRequest, Rejected(pool.Submit(Request("r1", gpus, workers), T0)).Reason);
    }

    [Fact]
    public void Request_that_fits_the_quota_but_not_the_nodes_waits()
    {
        var pool = new GroupPool(8, QueuePolicy.StrictFifo, TimeSpan.FromMinutes(30), [Cluster("c1", Node("n1", 4), Node("n2", 4))]);
        pool.Submit(Request("r1", 2), T0);
        pool.Submit(Request("r2", 3), T0);

        // 3 GPUs are free in the quota, but n1 has 2 left and n2 has 1: no single node can take the request.
        var decision = pool.Submit(Request("r3", 3), T0);

        Assert.Equal(1, Queued(decision).Position);
        Assert.Equal(5, pool.Used);
    }

    [Fact]
    public void Start_with_available_gets_what_is_free_at_once()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 3), T0);

        var admission = Admitted(pool.Submit(Request("r2", 4, startWithAvailable: true), T0));

        Assert.Equal(1, admission.Gpus);
        Assert.Equal(4, pool.Used);
    }

    [Fact]
    public void Start_with_available_gets_its_full_request_when_it_is_free()
    {
        var pool = Pool(4);

        Assert.Equal(3, Admitted(pool.Submit(Request("r1", 3, startWithAvailable: true), T0)).Gpus);
    }

    [Fact]
    public void Start_with_available_is_admitted_with_zero_gpus_when_nothing_is_free()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 4), T0);

        var admission = Admitted(pool.Submit(Request("r2", 2, startWithAvailable: true), T0));

        Assert.Equal(0, admission.Gpus);
        Assert.Empty(admission.Placement.Workers);
        Assert.Contains(pool.Running, a => a.Request.Id == "r2");
        Assert.Equal(0, pool.QueueLength);
    }

    [Fact]
    public void Start_with_available_larger_than_the_pool_is_not_rejected_but_trimmed()
    {
        var pool = Pool(4);

        Assert.Equal(4, Admitted(pool.Submit(Request("r1", 16, startWithAvailable: true), T0)).Gpus);
    }

    [Fact]
    public void Start_with_available_is_limited_to_what_one_node_can_place()
    {
        var pool = new GroupPool(8, QueuePolicy.StrictFifo, TimeSpan.FromMinutes(30), [Cluster("c1", Node("n1", 3), Node("n2", 3))]);

        Assert.Equal(3, Admitted(pool.Submit(Request("r1", 6, startWithAvailable: true), T0)).Gpus);
    }

    [Fact]
    public void Start_with_available_does_not_take_gpus_a_strict_fifo_head_is_waiting_for()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 3), T0);
        pool.Submit(Request("big", 4), T0);

        Assert.Equal(0, Admitted(pool.Submit(Request("r2", 1, startWithAvailable: true), T0)).Gpus);
    }

    [Fact]
    public void Distributed_request_is_admitted_all_or_nothing()
    {
        var pool = new GroupPool(8, QueuePolicy.StrictFifo, TimeSpan.FromMinutes(30), [Cluster("c1", Node("n1", 4), Node("n2", 4))]);
        pool.Submit(Request("r1", 3), T0);

        var gang = pool.Submit(Request("gang", 2, workers: 1, mode: DistributionMode.Manual), T0);

        // Quota has 5 free and one node could hold one worker, but a partial gang is never started.
        Assert.IsType<QueuedDecision>(gang);
        Assert.Equal(3, pool.Used);
        var admitted = Assert.Single(pool.Release("r1", T0.AddMinutes(1)));
        Assert.Equal(["n1", "n2"], admitted.Placement.Workers.Select(w => w.Node).Order());
        Assert.All(admitted.Placement.Workers, w => Assert.Equal(2, w.GpuIndices.Count));
    }

    [Fact]
    public void Submitting_an_admitted_id_again_returns_the_same_admission_and_takes_nothing_more()
    {
        var pool = Pool(4);
        var first = Admitted(pool.Submit(Request("r1", 2), T0));

        var again = Admitted(pool.Submit(Request("r1", 2), T0.AddMinutes(1)));

        Assert.Same(first, again);
        Assert.Equal(2, pool.Used);
        Assert.Single(pool.Running);
    }

    [Fact]
    public void Submitting_a_queued_id_again_returns_its_current_position()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 4), T0);
        pool.Submit(Request("r2", 2), T0);
        pool.Submit(Request("r3", 2), T0);
        pool.Release("r2", T0);

        var again = Queued(pool.Submit(Request("r3", 2), T0.AddMinutes(1)));

        Assert.Equal(1, again.Position);
        Assert.Equal(T0, again.EnqueuedAt);
        Assert.Equal(1, pool.QueueLength);
    }

    [Fact]
    public void Releasing_an_unknown_or_already_released_id_is_a_no_op()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 2), T0);

        Assert.Empty(pool.Release("r1", T0));
        Assert.Empty(pool.Release("r1", T0));
        Assert.Empty(pool.Release("never-seen", T0));
        Assert.Equal(0, pool.Used);
    }

    [Fact]
    public void Releasing_a_queued_request_withdraws_it_and_can_unblock_those_behind()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 2), T0);
        pool.Submit(Request("big", 4), T0);
        pool.Submit(Request("r2", 2), T0);

        var admitted = pool.Release("big", T0);

        Assert.Equal("r2", Assert.Single(admitted).Request.Id);
        Assert.Equal(0, pool.QueueLength);
    }

    [Fact]
    public void Zero_gpu_request_is_admitted_with_an_empty_placement()
    {
        var pool = Pool(4);

        var admission = Admitted(pool.Submit(Request("cpu-only", 0), T0));

        Assert.Equal(0, admission.Gpus);
        Assert.Equal("c1", admission.Placement.Cluster);
    }
}
