using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>PUT /models/{id}/versions/{v}/stage.</summary>
public sealed record ModelStageRequest(ModelStage? Stage);
