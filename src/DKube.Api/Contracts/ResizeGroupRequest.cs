using DKube.Abstractions.Pools;

namespace DKube.Api.Contracts;

/// <summary>PUT /groups/{group}.</summary>
public sealed record ResizeGroupRequest(int? Gpus, QueuePolicy? QueuePolicy, int? MaxHeadAgeMinutes);
