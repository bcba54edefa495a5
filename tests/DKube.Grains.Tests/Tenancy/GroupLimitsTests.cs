using DKube.Abstractions.Errors;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Tenancy;

/// <summary>The operator's group limits: kept by the group grain across deactivation, and only for a group that exists.</summary>
[Collection(GrainCollection.Name)]
public sealed class GroupLimitsTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Limits_set_on_a_group_survive_its_deactivation_and_show_in_its_view()
    {
        var group = fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"));
        await group.Create(2, [], null, null);
        Assert.Equal(GroupLimits.None, await group.GetLimits());

        var limits = new GroupLimits(ReadsPerSecond: 7.5, ReadBurst: null, WritesPerSecond: 2, WriteBurst: 4);
        Assert.Equal(limits, (await group.SetLimits(limits)).Limits);
        await fixture.DeactivateAsync(group);

        Assert.Equal(limits, await group.GetLimits());
        Assert.Equal(limits, (await group.Get())!.Limits);
        Assert.Equal(2, (await group.Get())!.Gpus);
    }

    [Fact]
    public async Task Limits_of_an_unknown_group_are_refused_and_read_as_none()
    {
        var group = fixture.Grains.GetGrain<IGroupGrain>(GrainClusterFixture.NewKey("g"));

        var error = await Assert.ThrowsAsync<DomainException>(() => group.SetLimits(new GroupLimits(1, 1, 1, 1)));
        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Equal(GroupLimits.None, await group.GetLimits());
    }
}
