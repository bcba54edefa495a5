namespace DKube.Scheduling.Tests;

public class PlacementPlannerTests
{
    private static readonly NodeCapacity[] Nodes = [new("a", 8), new("b", 4), new("c", 2), new("d", 2)];

    [Fact]
    public void Single_worker_goes_to_the_smallest_node_that_fits()
    {
        Assert.Equal(["b"], PlacementPlanner.Plan(Nodes, 3, 1, DistributionMode.Auto));
        Assert.Equal(["c"], PlacementPlanner.Plan(Nodes, 2, 1, DistributionMode.Manual));
    }

    [Fact]
    public void Single_worker_larger_than_any_node_is_not_split()
    {
        Assert.Null(PlacementPlanner.Plan(Nodes, 9, 1, DistributionMode.Auto));
    }

    [Fact]
    public void Manual_mode_puts_every_worker_on_a_distinct_node()
    {
        var plan = PlacementPlanner.Plan(Nodes, 2, 4, DistributionMode.Manual);
        Assert.NotNull(plan);
        Assert.Equal(4, plan.Distinct().Count());
    }

    [Fact]
    public void Manual_mode_fails_when_there_are_fewer_suitable_nodes_than_workers()
    {
        Assert.Null(PlacementPlanner.Plan(Nodes, 3, 3, DistributionMode.Manual));
    }

    [Fact]
    public void Auto_mode_packs_workers_onto_the_fewest_nodes()
    {
        var plan = PlacementPlanner.Plan(Nodes, 2, 6, DistributionMode.Auto);
        Assert.NotNull(plan);
        Assert.Equal(["a", "a", "a", "a", "b", "b"], plan);
    }

    [Fact]
    public void Auto_mode_finishes_on_the_smallest_node_that_covers_the_remainder()
    {
        var plan = PlacementPlanner.Plan(Nodes, 2, 5, DistributionMode.Auto);
        Assert.Equal(["a", "a", "a", "a", "c"], plan);
    }

    [Fact]
    public void Requests_without_gpus_need_no_nodes()
    {
        Assert.Equal([], PlacementPlanner.Plan([], 0, 3, DistributionMode.Manual));
    }
}
