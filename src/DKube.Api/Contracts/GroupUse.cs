namespace DKube.Api.Contracts;

/// <summary>A group's pool in <c>GET /utilization</c>: its size, the GPUs it has granted, and what its workloads use now.</summary>
public sealed record GroupUse(string Group, int Gpus, int Used, double CpuCores, long MemoryBytes, double? GpuUtilization);
