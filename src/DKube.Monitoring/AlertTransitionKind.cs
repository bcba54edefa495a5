namespace DKube.Monitoring;

/// <summary>What happened to an alert.</summary>
public enum AlertTransitionKind
{
    Fired,
    Resolved,
}
