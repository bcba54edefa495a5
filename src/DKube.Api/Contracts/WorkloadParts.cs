using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

public sealed record CodeRequest(string? Repo, string? Commit);

public sealed record InputRequest(string? Name, int? Version, string? MountPath);

public sealed record InputsRequest(IReadOnlyList<InputRequest>? Datasets, IReadOnlyList<InputRequest>? Featuresets, IReadOnlyList<InputRequest>? Models);

public sealed record OutputRequest(string? Model, string? Dataset, string? Featureset);

public sealed record DistributionRequest(DistributionMode? Mode, int? Workers);

/// <summary>The Slurm fields DKube exposes; passed to the Slurm executor, ignored elsewhere.</summary>
public sealed record SlurmRequest(string? Partition, string? Account, string? Qos, int? TimeLimitMinutes, SbatchRequest? Sbatch);

/// <summary>The extra sbatch options a run may set (an allow-list: nothing that changes who or where it runs as).</summary>
public sealed record SbatchRequest(string? Constraint, string? Reservation, int? Nice, string? Wckey, bool? Requeue);
