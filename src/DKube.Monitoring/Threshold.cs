namespace DKube.Monitoring;

/// <summary>
/// A {soft, hard} pair for one score. Reaching soft is a warning, reaching hard is critical, in the
/// score's direction: for a score where higher is worse soft must not be above hard; where lower is
/// worse (accuracy) soft must not be below hard (a warning at 0.9, critical at 0.8). A pair the
/// other way round is refused with an <see cref="ArgumentException"/> that says so.
/// </summary>
public sealed record Threshold
{
    public Threshold(double soft, double hard, MetricDirection direction)
    {
        if (!double.IsFinite(soft) || !double.IsFinite(hard))
        {
            throw new ArgumentException("Thresholds must be finite numbers.");
        }

        if (direction == MetricDirection.HigherIsWorse && soft > hard)
        {
            throw new ArgumentException($"The soft threshold ({soft}) is above the hard one ({hard}); where higher is worse, soft must be at most hard.");
        }

        if (direction == MetricDirection.LowerIsWorse && soft < hard)
        {
            throw new ArgumentException($"The soft threshold ({soft}) is below the hard one ({hard}); where lower is worse, soft must be at least hard.");
        }

        Soft = soft;
        Hard = hard;
        Direction = direction;
    }

    public double Soft { get; }

    public double Hard { get; }

    public MetricDirection Direction { get; }

    /// <summary>The thresholds of a named metric, its direction taken from <see cref="MetricDirections.For"/>.</summary>
    public static Threshold For(string metric, double soft, double hard) => new(soft, hard, MetricDirections.For(metric));

    /// <summary>The state of a value; NaN (a score that could not be computed) is refused.</summary>
    public ScoreState Classify(double value)
    {
        if (double.IsNaN(value))
        {
            throw new ArgumentException("A NaN score has no state.");
        }

        var worse = Direction == MetricDirection.HigherIsWorse ? value : -value;
        var (soft, hard) = Direction == MetricDirection.HigherIsWorse ? (Soft, Hard) : (-Soft, -Hard);
        return worse >= hard ? ScoreState.Critical : worse >= soft ? ScoreState.Warning : ScoreState.Ok;
    }
}
