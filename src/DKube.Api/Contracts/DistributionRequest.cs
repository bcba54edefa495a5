using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

public sealed record DistributionRequest(DistributionMode? Mode, int? Workers);
