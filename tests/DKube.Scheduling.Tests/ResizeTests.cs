using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class ResizeTests
{
    [Fact]
    public void Growing_the_pool_admits_waiting_work()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 4), T0);
        pool.Submit(Request("r2", 2), T0);
        pool.Submit(Request("r3", 2), T0);

        var admitted = pool.Resize(8, T0.AddMinutes(1));

        Assert.Equal(["r2", "r3"], admitted.Select(a => a.Request.Id));
        Assert.Equal(8, pool.Used);
    }

    [Fact]
    public void Shrinking_below_used_evicts_nothing_and_blocks_admission_until_used_drops_below_the_size()
    {
        var pool = Pool(8);
        pool.Submit(Request("r1", 3), T0);
        pool.Submit(Request("r2", 3), T0);

        Assert.Empty(pool.Resize(4, T0));
        Assert.Equal(6, pool.Used);
        Assert.Equal(0, pool.Free);
        Assert.Equal(2, pool.Running.Count);

        var queued = pool.Submit(Request("r3", 1), T0);
        Assert.IsType<QueuedDecision>(queued);

        var admitted = pool.Release("r1", T0.AddMinutes(1));
        Assert.Equal("r3", Assert.Single(admitted).Request.Id);
        Assert.Equal(4, pool.Used);
    }

    [Fact]
    public void Shrinking_changes_what_is_rejected_as_too_large()
    {
        var pool = Pool(8);
        pool.Resize(2, T0);

        Assert.Equal(RejectionReason.ExceedsPoolSize, Rejected(pool.Submit(Request("r1", 3), T0)).Reason);
    }

    [Fact]
    public void Queued_request_larger_than_a_shrunk_pool_has_no_start_estimate_until_it_grows_back()
    {
        var pool = Pool(8);
        pool.Submit(Request("r1", 8), T0);
        pool.Submit(Request("big", 6), T0);

        pool.Resize(4, T0);
        Assert.Null(Assert.Single(pool.QueueView(T0)).EstimatedStart);

        pool.Resize(8, T0);
        Assert.Equal(T0.AddHours(1), Assert.Single(pool.QueueView(T0)).EstimatedStart);
    }
}
