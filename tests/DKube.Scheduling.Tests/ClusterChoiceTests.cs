using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class ClusterChoiceTests
{
    private static GroupPool TwoClusters() =>
        new(16, QueuePolicy.StrictFifo, TimeSpan.FromMinutes(30), [Cluster("west", Node("w1", 4)), Cluster("east", Node("e1", 4))]);

    [Fact]
    public void Without_a_named_cluster_ties_are_broken_by_cluster_name()
    {
        var pool = TwoClusters();

        Assert.Equal("east", Admitted(pool.Submit(Request("r1", 1), T0)).Placement.Cluster);
    }

    [Fact]
    public void Without_a_named_cluster_the_one_that_places_the_request_now_is_chosen()
    {
        var pool = TwoClusters();
        pool.Submit(Request("r1", 3, cluster: "east"), T0);

        Assert.Equal("west", Admitted(pool.Submit(Request("r2", 2), T0)).Placement.Cluster);
    }

    [Fact]
    public void A_named_cluster_is_honoured_even_when_another_has_room()
    {
        var pool = TwoClusters();
        pool.Submit(Request("r1", 3, cluster: "east"), T0);

        Assert.IsType<QueuedDecision>(pool.Submit(Request("r2", 2, cluster: "east"), T0));
    }

    [Fact]
    public void Affinity_can_steer_a_request_to_the_only_cluster_with_the_label()
    {
        var pool = new GroupPool(
            16, QueuePolicy.StrictFifo, TimeSpan.FromMinutes(30),
            [Cluster("a", Node("a1", 8, "gpu")), Cluster("b", Node("b1", 8, "gpu", "production"))]);

        Assert.Equal("b", Admitted(pool.Submit(Request("r1", 2, affinity: ["production"]), T0)).Placement.Cluster);
    }
}
