using DKube.Abstractions.Clusters;
using DKube.Grains.Tests.Infrastructure;

namespace DKube.Grains.Tests.Clusters;

/// <summary>The fixture itself: grains run with the server's services and keep their state in PostgreSQL.</summary>
[Collection(GrainCollection.Name)]
public sealed class FixtureSmokeTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_registered_cluster_is_read_back_after_its_grain_was_deactivated()
    {
        var name = GrainClusterFixture.NewKey("c");
        var cluster = fixture.Grains.GetGrain<IClusterGrain>(name);
        await cluster.Register(new ClusterSpec(name, ClusterKind.Local, [new NodeInfo("n1", 4, 8, 16, [])], new Dictionary<string, string>()));

        await fixture.DeactivateAsync(cluster);

        var view = await cluster.Get();
        Assert.NotNull(view);
        Assert.Equal(4, view.Gpus);
        Assert.Equal(fixture.Time.GetUtcNow(), view.CreatedAt);
    }
}
