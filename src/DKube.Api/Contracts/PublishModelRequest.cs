using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>POST /models/{id}/versions/{v}/publish.</summary>
public sealed record PublishModelRequest(string? ServingImage, string? TransformerImage, string? TransformerCommand);
