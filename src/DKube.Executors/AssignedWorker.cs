namespace DKube.Executors;

/// <summary>The node and GPU indices the scheduler gave one worker (master first).</summary>
public sealed record AssignedWorker(string Node, IReadOnlyList<int> GpuIndices);
