namespace DKube.Tuning;

/// <summary>Which of a metric's reported values is the trial's value (Katib's <c>metricStrategies</c>).</summary>
public enum MetricStrategy
{
    Min,
    Max,
    Latest,
}
