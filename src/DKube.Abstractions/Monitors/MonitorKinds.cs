namespace DKube.Abstractions.Monitors;

/// <summary>The words of the monitor contract: components, model types, algorithms, score and alert states.</summary>
public static class MonitorKinds
{
    public const string Drift = "drift";
    public const string Performance = "performance";
    public const string Health = "health";

    public const string Classification = "classification";
    public const string Regression = "regression";

    public const string Ok = "ok";
    public const string Warning = "warning";
    public const string Critical = "critical";

    public const string Firing = "firing";
    public const string Resolved = "resolved";

    /// <summary>A result's live data: the requests the gateway served for a deployment served here.</summary>
    public const string FromGateway = "gateway";

    /// <summary>A result's live data: the predictions posted to an imported deployment (served elsewhere).</summary>
    public const string FromPosted = "posted";

    /// <summary>The components, in the order results list them.</summary>
    public static readonly IReadOnlyList<string> Components = [Drift, Performance, Health];

    /// <summary>The drift algorithms a monitor accepts.</summary>
    public static readonly IReadOnlyList<string> Algorithms = ["auto", "ks", "chi2", "psi", "jensenshannon", "wasserstein"];

    /// <summary>Performance metrics of a classification model.</summary>
    public static readonly IReadOnlyList<string> ClassificationMetrics = ["accuracy", "precision", "recall", "f1", "auc"];

    /// <summary>Performance metrics of a regression model.</summary>
    public static readonly IReadOnlyList<string> RegressionMetrics = ["rmse", "mae", "r2"];

    /// <summary>
    /// Health metrics: from the prediction log's request statistics, and the CPU cores and resident
    /// memory bytes of the deployment's replicas as their executors last sampled them (summed over
    /// the replicas, and the busiest replica's).
    /// </summary>
    public static readonly IReadOnlyList<string> HealthMetrics =
        ["requests", "request_rate", "error_4xx_rate", "error_5xx_rate", "latency_p50", "latency_p95", "latency_p99",
            "cpu_cores", "memory_bytes", "replica_cpu_cores_max", "replica_memory_bytes_max"];

    /// <summary>Drift subjects besides the features: how many compared columns drifted, and their share.</summary>
    public static readonly IReadOnlyList<string> DriftSummaries = ["drifted_features", "drift_share"];
}
