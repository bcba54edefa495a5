namespace DKube.Benchmarks;

/// <summary>Collects per-operation latencies and reports rate and percentiles.</summary>
public sealed class Latencies
{
    private readonly List<double> _milliseconds = [];

    public void Add(TimeSpan elapsed)
    {
        lock (_milliseconds)
        {
            _milliseconds.Add(elapsed.TotalMilliseconds);
        }
    }

    public int Count
    {
        get
        {
            lock (_milliseconds)
            {
                return _milliseconds.Count;
            }
        }
    }

    /// <summary>The <paramref name="p"/> quantile (0..1) in milliseconds; NaN when nothing was timed.</summary>
    public double Percentile(double p)
    {
        double[] sorted;
        lock (_milliseconds)
        {
            sorted = _milliseconds.Order().ToArray();
        }

        return Quantiles.Of(sorted, p);
    }

    public string Report(string name, TimeSpan wall) =>
        $"{name,-52} n={Count,6}  {Count / wall.TotalSeconds,9:F0}/s  p50={Percentile(0.50),7:F2} ms  p99={Percentile(0.99),7:F2} ms";
}
