using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class QueueQuotaTests
{
    [Fact]
    public void An_owner_at_its_queued_quota_is_refused_naming_the_quota_its_limit_and_use()
    {
        var pool = Pool(2);
        pool.QueueQuota = new QueueQuota(PerOwner: 2, Total: null);
        Admitted(pool.Submit(Request("running", 2), T0));
        Queued(pool.Submit(Request("q1", 1), T0));
        Queued(pool.Submit(Request("q2", 1), T0));

        var refused = Rejected(pool.Submit(Request("q3", 1), T0));

        Assert.Equal(RejectionReason.QueueQuotaExceeded, refused.Reason);
        Assert.Equal(new QuotaBreach(QueueQuota.QueuedPerUser, 2, 2), refused.Breach);
        Assert.Equal(2, pool.QueueLength);
    }

    [Fact]
    public void Other_owners_still_queue_while_one_owner_is_at_its_quota()
    {
        var pool = Pool(2);
        pool.QueueQuota = new QueueQuota(PerOwner: 1, Total: null);
        Admitted(pool.Submit(Request("running", 2), T0));
        Queued(pool.Submit(Request("alice-1", 1), T0));
        Rejected(pool.Submit(Request("alice-2", 1), T0));

        Queued(pool.Submit(Request("bob-1", 1) with { Owner = "bob" }, T0));

        Assert.Equal(1, pool.QueuedOf("alice"));
        Assert.Equal(1, pool.QueuedOf("bob"));
    }

    [Fact]
    public void The_group_quota_bounds_the_whole_queue()
    {
        var pool = Pool(2);
        pool.QueueQuota = new QueueQuota(PerOwner: null, Total: 2);
        Admitted(pool.Submit(Request("running", 2), T0));
        Queued(pool.Submit(Request("a", 1), T0));
        Queued(pool.Submit(Request("b", 1) with { Owner = "bob" }, T0));

        var refused = Rejected(pool.Submit(Request("c", 1) with { Owner = "carol" }, T0));

        Assert.Equal(new QuotaBreach(QueueQuota.QueuedPerGroup, 2, 2), refused.Breach);
    }

    [Fact]
    public void A_request_admitted_at_once_never_counts_and_a_repeated_submission_is_not_refused()
    {
        var pool = Pool(4);
        pool.QueueQuota = new QueueQuota(PerOwner: 1, Total: 1);
        Admitted(pool.Submit(Request("fits", 1), T0));
        Admitted(pool.Submit(Request("fits-too", 1), T0));
        Admitted(pool.Submit(Request("fill", 2), T0));
        Queued(pool.Submit(Request("waits", 1), T0));

        // A retry of the one that waits answers its place, not a refusal.
        Queued(pool.Submit(Request("waits", 1), T0));
    }

    [Fact]
    public void Room_comes_back_when_a_waiting_request_is_admitted()
    {
        var pool = Pool(2);
        pool.QueueQuota = new QueueQuota(PerOwner: 1, Total: null);
        Admitted(pool.Submit(Request("running", 2), T0));
        Queued(pool.Submit(Request("first", 1), T0));
        Rejected(pool.Submit(Request("second", 1), T0));

        pool.Release("running", T0.AddMinutes(1));

        Assert.Equal(0, pool.QueuedOf("alice"));
        Queued(pool.Submit(Request("third", 2), T0.AddMinutes(1)));
    }
}
