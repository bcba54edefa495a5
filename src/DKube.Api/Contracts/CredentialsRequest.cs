using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>Credentials in a request: <c>kind</c> and the field that kind needs (<c>sshKey</c>, <c>username</c>+<c>password</c>, or <c>token</c>).</summary>
public sealed record CredentialsRequest(CredentialKind? Kind, string? Username, string? Password, string? Token, string? SshKey);
