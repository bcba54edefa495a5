using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>POST /groups.</summary>
public sealed record CreateGroupRequest(string? Name, int? Gpus, IReadOnlyList<string>? Clusters, QueuePolicy? QueuePolicy, int? MaxHeadAgeMinutes);
