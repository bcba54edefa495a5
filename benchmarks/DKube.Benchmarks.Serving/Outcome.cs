namespace DKube.Benchmarks.Serving;

/// <summary>Latencies (ms) and failures of one load.</summary>
internal sealed class Outcome
{
    private readonly List<double> _milliseconds = [];

    public int Failed { get; private set; }

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

    public void Add(bool ok, TimeSpan elapsed)
    {
        lock (_milliseconds)
        {
            _milliseconds.Add(elapsed.TotalMilliseconds);
            Failed += ok ? 0 : 1;
        }
    }

    public double P(double p)
    {
        lock (_milliseconds)
        {
            var sorted = _milliseconds.Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
        }
    }
}
