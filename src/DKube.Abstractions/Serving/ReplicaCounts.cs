namespace DKube.Abstractions.Serving;

/// <summary>Replicas the autoscaler wants and replicas ready to serve.</summary>
[GenerateSerializer]
[Alias("dkube.replica-counts")]
public sealed record ReplicaCounts(
    [property: Id(0)] int Desired,
    [property: Id(1)] int Ready);
