namespace DKube.Monitoring;

/// <summary>
/// The direction of each metric a monitor reports, by name (case-insensitive): accuracy,
/// precision, recall, f1, auc / roc_auc, r2 and p_value get worse as they fall; everything else
/// (drift distances and statistics, rmse, mae, error rates, latency, cpu, memory) as it rises.
/// </summary>
public static class MetricDirections
{
    private static readonly HashSet<string> LowerIsWorse = new(StringComparer.OrdinalIgnoreCase)
    {
        "accuracy", "precision", "recall", "f1", "auc", "roc_auc", "r2", "p_value", "pvalue",
    };

    public static MetricDirection For(string metric) =>
        LowerIsWorse.Contains(metric) ? MetricDirection.LowerIsWorse : MetricDirection.HigherIsWorse;
}
