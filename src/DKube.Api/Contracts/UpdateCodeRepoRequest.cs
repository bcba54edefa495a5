using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>PATCH /code/{id}. An empty <c>commit</c> unpins the repository (runs then use the branch's latest); empty <c>knownHosts</c> drops the pinned host keys.</summary>
public sealed record UpdateCodeRepoRequest(
    string? Url, string? Branch, string? Commit, string? Description, string? Project, CredentialsRequest? Credentials, bool? RemoveCredentials,
    string? KnownHosts = null);
