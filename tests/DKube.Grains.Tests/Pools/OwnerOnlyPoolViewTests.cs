using DKube.Abstractions.Pools;
using DKube.Abstractions.Tenancy;
using DKube.Grains.Tests.Infrastructure;
using static DKube.Grains.Tests.Infrastructure.Claims;

namespace DKube.Grains.Tests.Pools;

/// <summary>A workload only its owner may see keeps its place in the pool's view, marked, across deactivation; the view a member gets blanks its id and owner.</summary>
[Collection(GrainCollection.Name)]
public sealed class OwnerOnlyPoolViewTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task An_owner_only_workload_is_marked_in_the_view_and_blank_to_members_but_not_to_its_owner()
    {
        var cluster = await fixture.Grains.NewClusterAsync(1);
        var name = GrainClusterFixture.NewKey("g");
        await fixture.Grains.GetGrain<IGroupGrain>(name).Create(1, [cluster.Name()], null, null);
        var pool = fixture.Grains.GetGrain<IGroupPoolGrain>(name);
        await pool.Submit(Request("hidden-run", 1) with { OwnerOnly = true });
        await pool.Submit(Request("hidden-wait", 1) with { OwnerOnly = true });
        await pool.Submit(Request("open-wait", 1));
        await fixture.DeactivateAsync(pool);

        var view = await pool.GetView();
        Assert.True(view.Running.Single().OwnerOnly);
        Assert.Equal([true, false], view.Queue.Select(e => e.OwnerOnly));

        var member = new Caller("bob", [Roles.DataScientist], [name]);
        var seen = view.SeenBy(member);
        Assert.Equal(("", ""), (seen.Running.Single().Id, seen.Running.Single().Owner));
        Assert.Equal(["", "open-wait"], seen.Queue.Select(e => e.Id));
        Assert.Equal((view.Used, view.Queue.Count, view.Running.Count), (seen.Used, seen.Queue.Count, seen.Running.Count));
        var owner = new Caller("ann", [Roles.DataScientist], [name]);
        Assert.Equal(view, view.SeenBy(owner));

        // Released: no longer marked (the mark goes with the request).
        await pool.Release("hidden-run");
        Assert.DoesNotContain((await pool.GetView()).Running, e => e.Id == "hidden-run");
        Assert.True((await pool.GetView()).Running.Single(e => e.Id == "hidden-wait").OwnerOnly);
    }
}
