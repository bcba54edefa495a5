using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

public sealed record CodeRequest(string? Repo, string? Commit);

public sealed record InputRequest(string? Name, int? Version, string? MountPath);

public sealed record InputsRequest(IReadOnlyList<InputRequest>? Datasets, IReadOnlyList<InputRequest>? Featuresets, IReadOnlyList<InputRequest>? Models);

public sealed record OutputRequest(string? Model, string? Dataset, string? Featureset);

public sealed record DistributionRequest(DistributionMode? Mode, int? Workers);

/// <summary>The Slurm fields DKube exposes; passed to the Slurm executor, ignored elsewhere.</summary>
public sealed record SlurmRequest(string? Partition, string? Account, string? Qos, int? TimeLimitMinutes, IReadOnlyList<string>? SbatchOptions);
