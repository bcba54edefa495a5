namespace DKube.Scheduling.Tests.Properties;

public class PoolPropertyTests
{
    private const int Sequences = 1500;
    private const int OperationsPerSequence = 60;

    [Theory]
    [InlineData(QueuePolicy.StrictFifo)]
    [InlineData(QueuePolicy.BestEffortFifo)]
    public void Used_never_exceeds_the_pool_or_a_node_and_no_gpu_index_is_assigned_twice(QueuePolicy policy) =>
        Seeded.ForEach(1_000, Sequences, (random, _) => new PoolScenario(random, policy, Invariant.Capacity).Run(OperationsPerSequence));

    [Theory]
    [InlineData(QueuePolicy.StrictFifo)]
    [InlineData(QueuePolicy.BestEffortFifo)]
    public void Placements_keep_gang_node_manual_affinity_and_cluster_rules(QueuePolicy policy) =>
        Seeded.ForEach(2_000, Sequences, (random, _) => new PoolScenario(random, policy, Invariant.Shapes).Run(OperationsPerSequence));

    [Fact]
    public void Strict_fifo_admits_queued_requests_in_arrival_order() =>
        Seeded.ForEach(3_000, Sequences, (random, _) => new PoolScenario(random, QueuePolicy.StrictFifo, Invariant.FifoOrder).Run(OperationsPerSequence));

    [Fact]
    public void Best_effort_lets_nothing_pass_a_head_past_its_max_age() =>
        Seeded.ForEach(4_000, Sequences, (random, _) => new PoolScenario(random, QueuePolicy.BestEffortFifo, Invariant.FifoOrder).Run(OperationsPerSequence));

    [Fact]
    public void Best_effort_never_leaves_a_request_waiting_while_its_gpus_sit_free_unless_the_head_is_too_old() =>
        Seeded.ForEach(5_000, Sequences, (random, _) => new PoolScenario(random, QueuePolicy.BestEffortFifo, Invariant.NoIdleWait).Run(OperationsPerSequence));

    [Theory]
    [InlineData(QueuePolicy.StrictFifo)]
    [InlineData(QueuePolicy.BestEffortFifo)]
    public void Queue_positions_estimates_and_idempotent_operations_stay_consistent(QueuePolicy policy) =>
        Seeded.ForEach(6_000, Sequences, (random, _) => new PoolScenario(random, policy, Invariant.Bookkeeping).Run(OperationsPerSequence));

    [Theory]
    [InlineData(QueuePolicy.StrictFifo)]
    [InlineData(QueuePolicy.BestEffortFifo)]
    public void Queue_drains_when_capacity_returns(QueuePolicy policy) =>
        Seeded.ForEach(7_000, Sequences, (random, _) =>
        {
            var scenario = new PoolScenario(random, policy, Invariant.All);
            scenario.Run(OperationsPerSequence);
            scenario.DrainByReleasingEverything();
        });
}
