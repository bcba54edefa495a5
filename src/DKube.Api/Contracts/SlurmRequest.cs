using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

/// <summary>The Slurm fields DKube exposes; passed to the Slurm executor, ignored elsewhere.</summary>
public sealed record SlurmRequest(string? Partition, string? Account, string? Qos, int? TimeLimitMinutes, SbatchRequest? Sbatch);
