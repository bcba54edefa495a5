namespace DKube.Grains.Serving;

/// <summary>The deployment grains' switches (README: <c>DKUBE_SERVING_*</c>).</summary>
public sealed class ServingOptions
{
    /// <summary>The command that runs the sklearn model server (with <c>PORT</c> and <c>DKUBE_MODEL_DIR</c> set).</summary>
    public string SklearnCommand { get; set; } = $"/usr/bin/python3 {Path.Combine(AppContext.BaseDirectory, "runtimes", "sklearn", "server.py")}";

    /// <summary>How long a replica may take to answer its readiness probe once its address is known, before the deployment is in Error.</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Knative's progress deadline (its default, 10 minutes): how long a replica may take, from its
    /// admission by the group's pool, to be ready; time spent waiting for GPUs in the pool does not
    /// count. It bounds what the probe cannot see: a workload that never gets an address (a pod
    /// Pending for ever, an executor that never starts it). On expiry the replica is replaced.
    /// </summary>
    public TimeSpan ProgressDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Replicas in a row that may miss the <see cref="ProgressDeadline"/> (each replaced) before the deployment is in Error.</summary>
    public int ProgressAttempts { get; set; } = 3;

    /// <summary>How long a replica taken out of the routes keeps running, for requests already sent to it to finish.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The autoscaler's decision interval (Knative's tick: 2 s).</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a starting replica is probed.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A gateway's load report older than this no longer counts (it went away or saw nothing).</summary>
    public TimeSpan ReportTtl { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Knative's KPA settings: stable and panic windows, panic threshold, scale-to-zero grace.</summary>
    public Scheduling.Autoscaling.AutoscalerSettings Autoscaler { get; set; } = Scheduling.Autoscaling.AutoscalerSettings.Default;
}
