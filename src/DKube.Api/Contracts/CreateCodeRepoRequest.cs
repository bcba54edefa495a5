using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>
/// POST /code. With <c>useLastCredentials</c>, the owner's last credentials for the host (of <c>credentials.kind</c>, if given) are used.
/// <c>knownHosts</c> (lines of an ssh known_hosts file) pins the host keys of an ssh remote; without it the server's setting applies.
/// </summary>
public sealed record CreateCodeRepoRequest(
    string? Name, string? Url, string? Branch, string? Commit, string? Description, string? Project, string? Group,
    CredentialsRequest? Credentials, bool? UseLastCredentials, string? KnownHosts = null);
