namespace DKube.Benchmarks.Admission;

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

    public string Report(string name, TimeSpan wall)
    {
        var sorted = _milliseconds.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        return $"{name,-52} n={sorted.Length,6}  {sorted.Length / wall.TotalSeconds,9:F0}/s  p50={Percentile(0.50),7:F2} ms  p99={Percentile(0.99),7:F2} ms";
    }
}
