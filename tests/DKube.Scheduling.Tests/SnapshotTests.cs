using static DKube.Scheduling.Tests.Make;

namespace DKube.Scheduling.Tests;

public class SnapshotTests
{
    [Fact]
    public void Restored_pool_has_the_same_books_and_keeps_behaving_the_same()
    {
        var pool = new GroupPool(6, QueuePolicy.BestEffortFifo, TimeSpan.FromMinutes(20), [Cluster("c1", Node("n1", 4), Node("n2", 4))]);
        pool.Submit(Request("r1", 3), T0);
        pool.Submit(Request("r2", 2, workers: 1, mode: DistributionMode.Manual), T0);
        pool.Submit(Request("r3", 4), T0.AddMinutes(1));

        var restored = GroupPool.Restore(pool.Snapshot());

        Assert.Equal(pool.Used, restored.Used);
        Assert.Equal(pool.Size, restored.Size);
        Assert.Equal(pool.Running, restored.Running);
        Assert.Equal(pool.QueueView(T0), restored.QueueView(T0));
        Assert.Equal(
            pool.Release("r1", T0.AddMinutes(2)).Select(a => a.Placement.Workers.SelectMany(w => w.GpuIndices)),
            restored.Release("r1", T0.AddMinutes(2)).Select(a => a.Placement.Workers.SelectMany(w => w.GpuIndices)));
    }

    [Fact]
    public void Snapshot_is_made_of_plain_lists_that_outlive_later_changes()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 2), T0);
        var snapshot = pool.Snapshot();

        pool.Submit(Request("r2", 2), T0);

        Assert.Single(snapshot.Running);
        Assert.Single(snapshot.Clusters[0].Reservations);
    }

    [Fact]
    public void Restore_refuses_a_snapshot_whose_running_work_is_missing_from_the_inventory()
    {
        var pool = Pool(4);
        pool.Submit(Request("r1", 2), T0);
        var snapshot = pool.Snapshot();
        var broken = snapshot with { Clusters = [snapshot.Clusters[0] with { Reservations = [] }] };

        Assert.Throws<ArgumentException>(() => GroupPool.Restore(broken));
    }
}
