using DKube.Executors.Slurm;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKube.Slurm.Tests;

/// <summary>Which submits exclude each other: one id's look-up-then-submit, and nothing else.</summary>
public sealed class SlurmSubmitConcurrencyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Submits_of_different_ids_look_up_side_by_side()
    {
        // Both listings must be in flight at once to be answered: one waiting for the other fails.
        var slurm = new FakeSlurmRest { HoldListings = 2 };
        using var http = new HttpClient(slurm);
        await using var executor = NewExecutor(http);

        var jobIds = await Task.WhenAll(
            executor.SubmitAsync(SlurmFixture.Spec("r-side-a", "true"), CancellationToken.None),
            executor.SubmitAsync(SlurmFixture.Spec("r-side-b", "true"), CancellationToken.None)).WaitAsync(Patience);

        Assert.Equal(2, jobIds.Distinct().Count());
        Assert.Equal(2, slurm.Submissions);
    }

    [Fact]
    public async Task Concurrent_submits_of_one_id_yield_one_job()
    {
        // Slow listings: callers that were not kept apart would all list before any submitted.
        var slurm = new FakeSlurmRest { ListingDelay = TimeSpan.FromMilliseconds(100) };
        using var http = new HttpClient(slurm);
        await using var executor = NewExecutor(http);
        var spec = SlurmFixture.Spec("r-once", "true");

        var jobIds = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => executor.SubmitAsync(spec, CancellationToken.None)));

        Assert.Single(jobIds.Distinct());
        Assert.Equal(1, slurm.Submissions);
    }

    [Fact]
    public async Task A_new_executor_submitting_an_id_slurm_already_runs_adopts_its_job()
    {
        // The silo whose agent submitted it died; the agent's next activation (a new executor) is
        // asked again with the same execution id.
        var slurm = new FakeSlurmRest();
        using var http = new HttpClient(slurm);
        var spec = SlurmFixture.Spec("r-moved", "true");
        string first;
        await using (var before = NewExecutor(http))
        {
            first = await before.SubmitAsync(spec, CancellationToken.None);
        }

        await using var after = NewExecutor(http);
        var again = await after.SubmitAsync(spec, CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Equal(1, slurm.Submissions);
    }

    private static SlurmExecutor NewExecutor(HttpClient http) => new(
        new SlurmOptions { BaseUrl = new Uri("http://slurmrestd.invalid"), UserName = "slurm", Token = "t", OutputDirectory = Path.GetTempPath() },
        new RecordingSink(),
        TimeProvider.System,
        NullLogger<SlurmExecutor>.Instance,
        http);
}
