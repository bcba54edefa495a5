using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>POST /images.</summary>
public sealed record CreateImageRequest(string? Name, string? Url, string? Description, string? Project, string? Group, CredentialsRequest? Credentials);
