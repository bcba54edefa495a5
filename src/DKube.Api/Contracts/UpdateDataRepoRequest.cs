using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>PATCH /datasets|featuresets|models/{id}.</summary>
public sealed record UpdateDataRepoRequest(string? Description, string? Project, IReadOnlyList<string>? Tags, string? FeatureSpec);
