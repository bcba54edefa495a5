namespace DKube.Monitoring;

/// <summary>The outcome of a statistical test: its statistic and two-sided p-value.</summary>
public sealed record TestResult(double Statistic, double PValue);
