namespace DKube.Abstractions.Workloads;

/// <summary>The node and GPU indices one worker of a workload was given.</summary>
[GenerateSerializer]
[Alias("dkube.worker-assignment")]
public sealed record WorkerAssignment(
    [property: Id(0)] string Node,
    [property: Id(1)] IReadOnlyList<int> Gpus);
