namespace DKube.Scheduling;

/// <summary>
/// One node of a cluster as the capacity view reports it. GPUs are addressed by index 0..Gpus-1;
/// CPUs and memory are carried for the API and placement reports but do not gate admission here.
/// </summary>
public sealed record NodeSpec(string Name, int Gpus, int Cpus, int MemoryGiB, IReadOnlyList<string> Labels);
