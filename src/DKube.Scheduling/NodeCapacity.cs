namespace DKube.Scheduling;

/// <summary>A node the planner may use and how many GPUs it can still give.</summary>
internal readonly record struct NodeCapacity(string Name, int FreeGpus);
