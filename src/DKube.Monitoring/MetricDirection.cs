namespace DKube.Monitoring;

/// <summary>Which way a score gets worse.</summary>
public enum MetricDirection
{
    /// <summary>Larger is worse: distances, error rates, RMSE, MAE, latency.</summary>
    HigherIsWorse,

    /// <summary>Smaller is worse: accuracy, precision, recall, F1, AUC, R², p-values.</summary>
    LowerIsWorse,
}
