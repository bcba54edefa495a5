namespace DKube.Scheduling.Autoscaling;

/// <summary>
/// Knative's Pod Autoscaler, as pure code on injected time: observed concurrency (in flight plus
/// queued, summed over gateways) is kept in one-second buckets; every tick the averages over the
/// stable and panic windows give the replicas wanted (average / target, rounded up). When the
/// panic window asks for at least <see cref="AutoscalerSettings.PanicThreshold"/> times the
/// replicas there are, it panics: it follows the panic window and never scales down until a whole
/// stable window has passed without panic. A deployment that may scale to zero loses its last
/// replica only after the grace period with no traffic at all. Not thread-safe: its grain owns it.
/// </summary>
public sealed class KpaAutoscaler(AutoscalerSettings settings)
{
    private readonly SortedDictionary<long, (double Sum, int Count)> _buckets = [];
    private DateTimeOffset? _panicSince;
    private DateTimeOffset? _lastTraffic;
    private int _panicDesired;

    public AutoscalerSettings Settings => settings;

    /// <summary>Records one observation of the concurrency at <paramref name="at"/>.</summary>
    public void Record(DateTimeOffset at, double concurrency)
    {
        var second = at.ToUnixTimeSeconds();
        _buckets[second] = _buckets.TryGetValue(second, out var b) ? (b.Sum + concurrency, b.Count + 1) : (concurrency, 1);
        if (concurrency > 0)
        {
            _lastTraffic = at;
        }

        // Nothing older than the stable window is read again, but for the last value before it (held).
        var oldest = (at - settings.StableWindow).ToUnixTimeSeconds() - 10;
        while (_buckets.Count > 0 && _buckets.Keys.First() < oldest)
        {
            _buckets.Remove(_buckets.Keys.First());
        }
    }

    /// <summary>The replicas wanted at <paramref name="now"/> for a deployment that has <paramref name="readyReplicas"/> ready.</summary>
    public ScaleDecision Decide(DateTimeOffset now, int readyReplicas, ScaleBounds bounds)
    {
        // A replica that has never seen traffic gets the grace period too, from the first decision it is part of.
        if (_lastTraffic is null && readyReplicas > 0)
        {
            _lastTraffic = now;
        }

        var target = Math.Max(bounds.TargetConcurrency, 0.01);
        var stable = Average(now, settings.StableWindow);
        var panic = Average(now, settings.PanicWindow);
        var stableWanted = (int)Math.Ceiling(stable / target);
        var panicWanted = (int)Math.Ceiling(panic / target);

        if (readyReplicas > 0 && panicWanted / (double)readyReplicas >= settings.PanicThreshold
            || readyReplicas == 0 && panicWanted >= settings.PanicThreshold)
        {
            _panicSince = now;
        }
        else if (_panicSince is { } since && now - since >= settings.StableWindow)
        {
            _panicSince = null;
            _panicDesired = 0;
        }

        var panicking = _panicSince is not null;
        int wanted;
        if (panicking)
        {
            // In panic it only ever grows: a burst that ebbs inside the window keeps its capacity.
            _panicDesired = Math.Max(_panicDesired, Math.Max(panicWanted, readyReplicas));
            wanted = _panicDesired;
        }
        else
        {
            wanted = stableWanted;
        }

        if (wanted == 0 && bounds.MinReplicas == 0 && readyReplicas > 0
            && _lastTraffic is { } last && now - last < settings.ScaleToZeroGrace)
        {
            // The last replica stays until the grace period has passed without any request.
            wanted = 1;
        }

        var max = bounds.MaxReplicas <= 0 ? int.MaxValue : bounds.MaxReplicas;
        return new ScaleDecision(Math.Clamp(wanted, bounds.MinReplicas, Math.Max(bounds.MinReplicas, max)), panicking, stable, panic);
    }

    /// <summary>
    /// The average over the last <paramref name="window"/>, second by second: a second without an
    /// observation holds the one before it (observations come every tick, not every second), and
    /// seconds before the first observation do not count.
    /// </summary>
    private double Average(DateTimeOffset now, TimeSpan window)
    {
        var end = now.ToUnixTimeSeconds();
        var start = end - Math.Max(1, (long)window.TotalSeconds) + 1;
        double? held = null;
        foreach (var (second, bucket) in _buckets)
        {
            if (second >= start)
            {
                break;
            }

            held = bucket.Sum / bucket.Count;
        }

        double sum = 0;
        var counted = 0;
        for (var second = start; second <= end; second++)
        {
            if (_buckets.TryGetValue(second, out var bucket))
            {
                held = bucket.Sum / bucket.Count;
            }

            if (held is { } value)
            {
                sum += value;
                counted++;
            }
        }

        return counted == 0 ? 0 : sum / counted;
    }
}
