using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

public sealed record InputRequest(string? Name, int? Version, string? MountPath);
