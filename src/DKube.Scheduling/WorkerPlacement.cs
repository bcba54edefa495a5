namespace DKube.Scheduling;

/// <summary>One worker's share of a placement: a node and the GPU indices it holds there.</summary>
public sealed record WorkerPlacement(string Node, IReadOnlyList<int> GpuIndices);
