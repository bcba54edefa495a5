using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Pools;

/// <summary>The queued-workload quotas: set through the group grain, checked by the pool that counts its queue, kept across deactivation.</summary>
[Collection(GrainCollection.Name)]
public sealed class QueueQuotaGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_quota_the_group_sets_applies_to_the_next_submission_and_survives_deactivation()
    {
        var cluster = await fixture.Grains.NewClusterAsync(1);
        var name = GrainClusterFixture.NewKey("g");
        var group = fixture.Grains.GetGrain<IGroupGrain>(name);
        await group.Create(1, [cluster.Name()], null, null);
        var pool = fixture.Grains.GetGrain<IGroupPoolGrain>(name);
        Assert.Equal(PoolOutcome.Admitted, (await pool.Submit(Request("runs", 1))).Outcome);
        Assert.Equal(PoolOutcome.Queued, (await pool.Submit(Request("q1", 1))).Outcome);

        await group.SetLimits(GroupLimits.None with { QueuedPerUser = 1 });
        var refused = await pool.Submit(Request("q2", 1));

        Assert.Equal(PoolOutcome.Rejected, refused.Outcome);
        Assert.Equal("quota-exceeded", refused.RejectionCode);
        Assert.Equal(new QuotaUse(name, "queued-per-user", 1, 1), refused.Quota);

        await fixture.DeactivateAsync(pool);
        Assert.Equal(PoolOutcome.Rejected, (await pool.Submit(Request("q3", 1))).Outcome);
        var use = await pool.GetQueueUse("ann");
        Assert.Contains(new QuotaUse(name, "queued-per-user", 1, 1), use);
        Assert.Contains(new QuotaUse(name, "queued-per-group", 10_000, 1), use);

        // Lifted again: the same submission now waits.
        await group.SetLimits(GroupLimits.None);
        Assert.Equal(PoolOutcome.Queued, (await pool.Submit(Request("q3", 1))).Outcome);
    }
}
