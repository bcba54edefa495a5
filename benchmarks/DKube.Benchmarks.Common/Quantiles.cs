namespace DKube.Benchmarks;

/// <summary>Percentiles of a set of milliseconds.</summary>
public static class Quantiles
{
    public static double Of(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
