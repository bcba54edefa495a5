using DKube.Abstractions.Workloads;
using Orleans.Concurrency;

namespace DKube.Abstractions.Monitors;

/// <summary>
/// One monitor of a deployment, keyed by its id: the single writer of its schema, schedules
/// (durable reminders while Active), alert states and webhook deliveries. Its results, alert
/// history and ground truth live in PostgreSQL (<see cref="IMonitorRecords"/>). It watches the
/// retraining runs its alerts start (<see cref="IWorkloadWatcher"/>: told of their ends by event).
/// </summary>
[Alias("dkube.IMonitorGrain")]
public interface IMonitorGrain : IGrainWithStringKey, IWorkloadWatcher
{
    /// <summary>
    /// Reads the baseline, derives the schema with the spec's edits and stores the monitor
    /// (Ready) before it returns; 422 for a baseline that is not CSV, columns that do not exist,
    /// thresholds the wrong way round. The same spec again returns it.
    /// </summary>
    [Alias("Create")]
    Task<MonitorView> Create(MonitorSpec spec, string owner, string deploymentOwner, string group, string? project);

    [Alias("Get")]
    [ReadOnly]
    Task<MonitorView?> Get();

    /// <summary>Active: each component's schedule runs (reminders that survive restarts).</summary>
    [Alias("Start")]
    Task<MonitorView> Start();

    [Alias("Stop")]
    Task<MonitorView> Stop();

    /// <summary>Evaluates the components now (all when <paramref name="component"/> is null), whatever the schedule; returns the results stored.</summary>
    [Alias("Evaluate")]
    Task<IReadOnlyList<MonitorResult>> Evaluate(string? component);

    /// <summary>Stops the schedules and forgets the monitor, its results, alerts and ground truth.</summary>
    [Alias("Delete")]
    Task Delete();

    /// <summary>
    /// A webhook delivery's outcome (called by the sender, off the grain's turn). Two-way, so the
    /// sender's retry sees a lost report and sends it again (a report lost one-way left the delivery
    /// pending, to be POSTed again after a reactivation).
    /// </summary>
    [Alias("DeliveryUpdated")]
    Task DeliveryUpdated(string deliveryId, string state, int attempts, string? error);
}
