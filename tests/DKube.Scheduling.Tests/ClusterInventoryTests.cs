using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class ClusterInventoryTests
{
    [Fact]
    public void One_worker_request_gets_all_its_gpus_on_one_node_with_the_lowest_indices()
    {
        var cluster = Cluster("c1", Node("n1", 4), Node("n2", 4));

        var placement = cluster.TryPlace(Request("r1", 3));

        Assert.NotNull(placement);
        var worker = Assert.Single(placement.Workers);
        Assert.Equal([0, 1, 2], worker.GpuIndices);
        Assert.Equal("c1", placement.Cluster);
    }

    [Fact]
    public void TryPlace_does_not_reserve_anything()
    {
        var cluster = Cluster("c1", Node("n1", 4));

        _ = cluster.TryPlace(Request("r1", 4));

        Assert.Equal(4, cluster.FreeGpus("n1"));
        Assert.Empty(cluster.Reservations);
    }

    [Fact]
    public void Reserved_indices_are_never_handed_out_again()
    {
        var cluster = Cluster("c1", Node("n1", 4));
        cluster.Reserve("r1", cluster.TryPlace(Request("r1", 2))!);

        var second = cluster.TryPlace(Request("r2", 2));

        Assert.NotNull(second);
        Assert.Equal([2, 3], second.Workers[0].GpuIndices);
        cluster.Reserve("r2", second);
        Assert.Null(cluster.TryPlace(Request("r3", 1)));
    }

    [Fact]
    public void Reserve_is_idempotent_per_request_id()
    {
        var cluster = Cluster("c1", Node("n1", 4));
        var placement = cluster.TryPlace(Request("r1", 2))!;

        Assert.True(cluster.Reserve("r1", placement));
        Assert.False(cluster.Reserve("r1", placement));
        Assert.Equal(2, cluster.FreeGpus("n1"));
    }

    [Fact]
    public void Reserving_an_index_in_use_throws()
    {
        var cluster = Cluster("c1", Node("n1", 4));
        var placement = cluster.TryPlace(Request("r1", 2))!;
        cluster.Reserve("r1", placement);

        Assert.Throws<InvalidOperationException>(() => cluster.Reserve("r2", placement));
    }

    [Fact]
    public void Release_frees_exactly_what_was_reserved_and_is_a_no_op_the_second_time()
    {
        var cluster = Cluster("c1", Node("n1", 4));
        var placement = cluster.TryPlace(Request("r1", 3))!;
        cluster.Reserve("r1", placement);

        Assert.Same(placement, cluster.Release("r1"));
        Assert.Null(cluster.Release("r1"));
        Assert.Null(cluster.Release("never-seen"));
        Assert.Equal(4, cluster.FreeGpus("n1"));
    }

    [Fact]
    public void Distributed_request_is_placed_whole_or_not_at_all()
    {
        var cluster = Cluster("c1", Node("n1", 4), Node("n2", 2));

        Assert.Null(cluster.TryPlace(Request("r1", 2, workers: 3)));
        Assert.Equal(6, cluster.TryPlace(Request("r2", 2, workers: 2))!.TotalGpus);
    }

    [Fact]
    public void Manual_mode_places_one_worker_per_distinct_node()
    {
        var cluster = Cluster("c1", Node("n1", 8), Node("n2", 8), Node("n3", 8));

        var placement = cluster.TryPlace(Request("r1", 2, workers: 2, mode: DistributionMode.Manual));

        Assert.NotNull(placement);
        Assert.Equal(3, placement.Workers.Select(w => w.Node).Distinct().Count());
    }

    [Fact]
    public void Auto_mode_packs_workers_onto_one_node_when_it_can()
    {
        var cluster = Cluster("c1", Node("n1", 8), Node("n2", 8), Node("n3", 8));

        var placement = cluster.TryPlace(Request("r1", 2, workers: 2, mode: DistributionMode.Auto));

        Assert.NotNull(placement);
        Assert.Equal(3, placement.Workers.Count);
        Assert.Single(placement.Workers.Select(w => w.Node).Distinct());
        Assert.Equal(6, placement.Workers.SelectMany(w => w.GpuIndices).Distinct().Count());
    }

    [Fact]
    public void Affinity_restricts_placement_to_nodes_with_every_required_label()
    {
        var cluster = Cluster("c1", Node("dev", 8, "gpu"), Node("prod", 2, "gpu", "production"));

        var placement = cluster.TryPlace(Request("r1", 2, affinity: ["production", "gpu"]));

        Assert.Equal("prod", Assert.Single(placement!.Workers).Node);
        Assert.Null(cluster.TryPlace(Request("r2", 3, affinity: ["production"])));
        Assert.Null(cluster.TryPlace(Request("r3", 1, affinity: ["a100"])));
    }

    [Fact]
    public void Allocations_on_a_removed_node_stay_accounted_when_it_returns()
    {
        var cluster = Cluster("c1", Node("n1", 4), Node("n2", 4));
        var placement = cluster.TryPlace(Request("r1", 4))!;
        cluster.Reserve("r1", placement);
        var node = placement.Workers[0].Node;

        cluster.SetNodes(cluster.Nodes.Where(n => n.Name != node).ToList());
        Assert.Contains(cluster.Reservations, r => r.RequestId == "r1");
        cluster.SetNodes([Node("n1", 4), Node("n2", 4)]);

        Assert.Equal(0, cluster.FreeGpus(node));
        Assert.Same(placement, cluster.Release("r1"));
        Assert.Equal(4, cluster.FreeGpus(node));
    }

    [Fact]
    public void CanEverPlace_ignores_current_holdings_but_not_node_shapes()
    {
        var cluster = Cluster("c1", Node("n1", 4));
        cluster.Reserve("r1", cluster.TryPlace(Request("r1", 4))!);

        Assert.True(cluster.CanEverPlace(Request("r2", 4)));
        Assert.False(cluster.CanEverPlace(Request("r3", 5)));
        Assert.False(cluster.CanEverPlace(Request("r4", 1, workers: 1, mode: DistributionMode.Manual)));
    }

    [Fact]
    public void TryPlaceUpTo_finds_the_largest_share_that_fits()
    {
        var cluster = Cluster("c1", Node("n1", 4), Node("n2", 4));
        cluster.Reserve("r1", cluster.TryPlace(Request("r1", 1))!);

        Assert.Equal(4, cluster.TryPlaceUpTo(Request("r2", 6), 8).TotalGpus);
        Assert.Equal(2, cluster.TryPlaceUpTo(Request("r3", 6), 2).TotalGpus);
        Assert.Equal(6, cluster.TryPlaceUpTo(Request("r4", 4, workers: 1, mode: DistributionMode.Manual), 8).TotalGpus);
        Assert.Equal(0, cluster.TryPlaceUpTo(Request("r5", 3), 0).TotalGpus);
    }

    [Fact]
    public void Snapshot_and_restore_keep_nodes_and_reservations()
    {
        var cluster = Cluster("c1", Node("n1", 4, "gpu"), Node("n2", 4));
        cluster.Reserve("r1", cluster.TryPlace(Request("r1", 2, workers: 1, mode: DistributionMode.Manual))!);
        cluster.SetNodes([Node("n1", 4, "gpu")]);

        var restored = ClusterInventory.Restore(cluster.Snapshot());

        Assert.Equal(cluster.Nodes, restored.Nodes);
        Assert.Equal(2, restored.FreeGpus("n1"));
        Assert.Equal("r1", Assert.Single(restored.Reservations).RequestId);
        Assert.NotNull(restored.Release("r1"));
    }

    [Fact]
    public void Duplicate_node_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Cluster("c1", Node("n1", 4), Node("n1", 2)));
    }
}
