namespace DKube.Abstractions.Leaderboards;

/// <summary>Which way the sort metric is better: <c>direction</c> in metrics.json (default maximize).</summary>
public enum MetricGoal
{
    Maximize,
    Minimize,
}
