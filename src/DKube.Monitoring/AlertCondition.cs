namespace DKube.Monitoring;

/// <summary>
/// A condition on one subject (a feature's drift score or a metric, named by the monitor), e.g.
/// "accuracy &lt; 0.8": breached when <c>value Op Bound</c> holds; the alert fires after
/// <see cref="ConsecutiveBreaches"/> breaching evaluations in a row.
/// </summary>
public sealed record AlertCondition
{
    public AlertCondition(string subject, ComparisonOp op, double bound, int consecutiveBreaches = 1)
    {
        if (string.IsNullOrWhiteSpace(subject))
        {
            throw new ArgumentException("An alert condition needs a subject (a feature or a metric).");
        }

        if (!double.IsFinite(bound))
        {
            throw new ArgumentException("An alert condition's value must be a finite number.");
        }

        if (consecutiveBreaches < 1)
        {
            throw new ArgumentException("An alert fires after at least one breach.");
        }

        Subject = subject;
        Op = op;
        Bound = bound;
        ConsecutiveBreaches = consecutiveBreaches;
    }

    public string Subject { get; }

    public ComparisonOp Op { get; }

    public double Bound { get; }

    public int ConsecutiveBreaches { get; }

    /// <summary>Parses "&gt;", "&gt;=", "&lt;", "&lt;=" (also "gt", "ge", "lt", "le").</summary>
    public static ComparisonOp ParseOp(string op) => op.Trim().ToLowerInvariant() switch
    {
        ">" or "gt" => ComparisonOp.GreaterThan,
        ">=" or "ge" or "gte" => ComparisonOp.GreaterOrEqual,
        "<" or "lt" => ComparisonOp.LessThan,
        "<=" or "le" or "lte" => ComparisonOp.LessOrEqual,
        _ => throw new ArgumentException($"Unknown comparison '{op}': use >, >=, < or <=."),
    };

    /// <summary>Whether the value breaches the condition.</summary>
    public bool IsBreachedBy(double value) => Op switch
    {
        ComparisonOp.GreaterThan => value > Bound,
        ComparisonOp.GreaterOrEqual => value >= Bound,
        ComparisonOp.LessThan => value < Bound,
        _ => value <= Bound,
    };
}
