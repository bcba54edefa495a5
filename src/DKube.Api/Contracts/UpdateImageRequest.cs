using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>PATCH /images/{id}.</summary>
public sealed record UpdateImageRequest(string? Description, string? Project);
