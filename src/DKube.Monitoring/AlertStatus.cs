namespace DKube.Monitoring;

/// <summary>An alert's state between evaluations: firing or not, the current run of breaches, and since when it fires.</summary>
public sealed record AlertStatus(bool Firing, int Breaches, DateTimeOffset? Since)
{
    /// <summary>Not firing, no breach yet.</summary>
    public static AlertStatus Initial { get; } = new(false, 0, null);
}
