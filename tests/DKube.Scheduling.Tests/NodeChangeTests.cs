using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class NodeChangeTests
{
    [Fact]
    public void Adding_a_node_admits_work_that_was_waiting_for_placement()
    {
        var pool = Pool(8, nodeGpus: 4);
        pool.Submit(Request("r1", 4), T0);
        pool.Submit(Request("r2", 4), T0);

        var admitted = pool.SetClusterNodes("c1", [Node("n1", 4), Node("n2", 4)], T0.AddMinutes(1));

        Assert.Equal("n2", Assert.Single(admitted).Placement.Workers[0].Node);
    }

    [Fact]
    public void Work_on_a_removed_node_stays_accounted_until_released()
    {
        var pool = new GroupPool(8, QueuePolicy.StrictFifo, TimeSpan.FromMinutes(30), [Cluster("c1", Node("n1", 4), Node("n2", 4))]);
        pool.Submit(Request("r1", 4), T0);

        pool.SetClusterNodes("c1", [Node("n2", 4)], T0);
        Assert.Equal(4, pool.Used);
        pool.SetClusterNodes("c1", [Node("n1", 4), Node("n2", 4)], T0);

        // n1 came back, but r1 still holds all of it: r2 lands on n2 and r3 must wait for r1.
        Assert.Equal("n2", Admitted(pool.Submit(Request("r2", 4), T0)).Placement.Workers[0].Node);
        Assert.IsType<QueuedDecision>(pool.Submit(Request("r3", 1), T0));
        var admitted = Assert.Single(pool.Release("r1", T0));
        Assert.Equal("n1", admitted.Placement.Workers[0].Node);
    }

    [Fact]
    public void Setting_nodes_for_a_new_cluster_adds_it_to_the_group()
    {
        var pool = Pool(8, nodeGpus: 0);

        pool.SetClusterNodes("c2", [Node("m1", 8)], T0);

        Assert.Equal("c2", Admitted(pool.Submit(Request("r1", 2), T0)).Placement.Cluster);
    }
}
