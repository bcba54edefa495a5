using DKube.Abstractions.Workloads;

namespace DKube.Api.Contracts;

public sealed record InputsRequest(IReadOnlyList<InputRequest>? Datasets, IReadOnlyList<InputRequest>? Featuresets, IReadOnlyList<InputRequest>? Models);
