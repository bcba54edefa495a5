using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Tenancy;

/// <summary>The group grain counts the objects that claim a place in its quotas: exactly, idempotently per id, across deactivation.</summary>
[Collection(GrainCollection.Name)]
public sealed class GroupObjectQuotaTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Claims_racing_for_the_last_places_get_exactly_the_limit()
    {
        var group = fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"));
        await group.Create(1, [], null, null);
        await group.SetLimits(GroupLimits.None with { Deployments = 3 });

        var claims = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                await group.ClaimObject(IObjectQuotas.Deployments, $"d{i}");
                return null;
            }
            catch (DomainException e)
            {
                return e;
            }
        }));

        Assert.Equal(3, claims.Count(c => c is null));
        Assert.All(claims.OfType<DomainException>(), e =>
        {
            Assert.Equal("quota-exceeded", e.Code);
            Assert.Equal(new QuotaUse(group.GetPrimaryKeyString(), IObjectQuotas.Deployments, 3, 3), e.Quota);
        });
        Assert.Equal(3, (await group.GetObjectUse()).Single(q => q.Quota == IObjectQuotas.Deployments).Use);
    }

    [Fact]
    public async Task A_claim_again_counts_once_a_release_frees_its_place_and_both_survive_deactivation()
    {
        var group = fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"));
        await group.Create(1, [], null, null);
        await group.SetLimits(GroupLimits.None with { Deployments = 2 });
        await group.ClaimObject(IObjectQuotas.Deployments, "a");
        await group.ClaimObject(IObjectQuotas.Deployments, "a");
        await group.ClaimObject(IObjectQuotas.Deployments, "b");
        await Assert.ThrowsAsync<DomainException>(() => group.ClaimObject(IObjectQuotas.Deployments, "c"));

        await fixture.DeactivateAsync(group);
        await group.ReleaseObject(IObjectQuotas.Deployments, "a");
        await group.ReleaseObject(IObjectQuotas.Deployments, "never-claimed");
        await group.ClaimObject(IObjectQuotas.Deployments, "c");
        await fixture.DeactivateAsync(group);

        var use = (await group.GetObjectUse()).Single(q => q.Quota == IObjectQuotas.Deployments);
        Assert.Equal(new QuotaUse(group.GetPrimaryKeyString(), IObjectQuotas.Deployments, 2, 2), use);
        Assert.Equal(0, (await group.GetObjectUse()).Single(q => q.Quota == IObjectQuotas.Monitors).Use);
    }

    [Fact]
    public async Task A_group_that_does_not_exist_has_no_places()
    {
        var group = fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"));
        var error = await Assert.ThrowsAsync<DomainException>(() => group.ClaimObject(IObjectQuotas.Deployments, "a"));
        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }
}
