namespace DKube.Monitoring;

/// <summary>How an alert condition compares a value with its bound.</summary>
public enum ComparisonOp
{
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
}
