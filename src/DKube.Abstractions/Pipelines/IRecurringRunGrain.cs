namespace DKube.Abstractions.Pipelines;

/// <summary>
/// A recurring run, keyed by id: creates a pipeline run for each tick of its schedule, driven by a
/// durable reminder whose due time is the next tick. Each tick's run has an id derived from the
/// recurring run and the tick, so a tick re-driven after a restart never makes a second run.
/// </summary>
[Alias("dkube.IRecurringRunGrain")]
public interface IRecurringRunGrain : IGrainWithStringKey
{
    /// <summary>Accepts it (persisted before this returns); 422 for a bad trigger or parameters, 409 in an archived experiment.</summary>
    [Alias("Create")]
    Task<RecurringRunView> Create(RecurringRunRequest request);

    [Alias("Get")]
    [Orleans.Concurrency.ReadOnly]
    Task<RecurringRunView?> Get();

    /// <summary>
    /// Makes the runs that are due now (what the reminder does at each tick): oldest first, as many
    /// as maxConcurrency leaves room for (only the latest due tick with noCatchup), then sets the
    /// reminder to the next tick.
    /// </summary>
    [Alias("Wake")]
    Task<RecurringRunView> Wake();

    [Alias("Enable")]
    Task<RecurringRunView> Enable();

    [Alias("Disable")]
    Task<RecurringRunView> Disable();

    [Alias("Delete")]
    Task Delete();

    /// <summary>A run it made has ended (told by that run, at least once): its place frees up.</summary>
    [Alias("RunEnded")]
    Task RunEnded(string pipelineRun);

    /// <summary>The run of one tick: derived, so a re-driven tick reaches the same run.</summary>
    public static string RunId(string recurringRun, DateTimeOffset tick) =>
        Common.ResourceIds.Derive("pr", $"recurring-run/{recurringRun}", tick.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
}
