namespace DKube.Scheduling.Autoscaling;

/// <summary>One tick's decision: the replicas wanted, whether the panic window drove it, and the two averages it came from.</summary>
public sealed record ScaleDecision(int DesiredReplicas, bool Panicking, double StableConcurrency, double PanicConcurrency);
