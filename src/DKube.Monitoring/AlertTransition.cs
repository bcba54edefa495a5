namespace DKube.Monitoring;

/// <summary>One entry of an alert's history: fired or resolved, when, and the value that did it.</summary>
public sealed record AlertTransition(AlertTransitionKind Kind, DateTimeOffset At, double Value);
