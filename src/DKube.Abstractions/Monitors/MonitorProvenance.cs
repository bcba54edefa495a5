namespace DKube.Abstractions.Monitors;

/// <summary>Where an evaluation was computed: the cluster the silo runs in (DKUBE_SILO_CLUSTER) and the silo's address.</summary>
[GenerateSerializer]
[Alias("dkube.monitor-provenance")]
public sealed record MonitorProvenance(
    [property: Id(0)] string Cluster,
    [property: Id(1)] string Silo);
