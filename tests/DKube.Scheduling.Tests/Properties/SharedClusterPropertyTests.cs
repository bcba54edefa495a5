namespace DKube.Scheduling.Tests.Properties;

/// <summary>Many groups sharing several clusters: seeded random submit/stop/end/resize/restart sequences.</summary>
public class SharedClusterPropertyTests
{
    private const int Sequences = 800;
    private const int OperationsPerSequence = 80;

    [Fact]
    public void No_gpu_is_held_twice_nobody_errs_or_idles_and_every_admission_is_placed_or_waits() =>
        Seeded.ForEach(11_000, Sequences, (random, _) => new SharedClusterScenario(random).Run(OperationsPerSequence));

    [Fact]
    public void Every_queue_drains_and_no_waiter_starves_when_work_ends() =>
        Seeded.ForEach(12_000, Sequences, (random, _) =>
        {
            var scenario = new SharedClusterScenario(random);
            scenario.Run(OperationsPerSequence);
            scenario.DrainByEndingEverything();
            Assert.Equal(0, scenario.Unplaceable);
        });
}
