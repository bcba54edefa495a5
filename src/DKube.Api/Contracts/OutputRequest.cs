using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

public sealed record OutputRequest(string? Model, string? Dataset, string? Featureset);
