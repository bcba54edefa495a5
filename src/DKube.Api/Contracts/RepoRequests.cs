using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>Credentials in a request: <c>kind</c> and the field that kind needs (<c>sshKey</c>, <c>username</c>+<c>password</c>, or <c>token</c>).</summary>
public sealed record CredentialsRequest(CredentialKind? Kind, string? Username, string? Password, string? Token, string? SshKey);

/// <summary>
/// POST /code. With <c>useLastCredentials</c>, the owner's last credentials for the host (of <c>credentials.kind</c>, if given) are used.
/// <c>knownHosts</c> (lines of an ssh known_hosts file) pins the host keys of an ssh remote; without it the server's setting applies.
/// </summary>
public sealed record CreateCodeRepoRequest(
    string? Name, string? Url, string? Branch, string? Commit, string? Description, string? Project, string? Group,
    CredentialsRequest? Credentials, bool? UseLastCredentials, string? KnownHosts = null);

/// <summary>PATCH /code/{id}. An empty <c>commit</c> unpins the repository (runs then use the branch's latest); empty <c>knownHosts</c> drops the pinned host keys.</summary>
public sealed record UpdateCodeRepoRequest(
    string? Url, string? Branch, string? Commit, string? Description, string? Project, CredentialsRequest? Credentials, bool? RemoveCredentials,
    string? KnownHosts = null);

/// <summary>GET /code/credentials answer: what was last used for a host, without secrets.</summary>
public sealed record CredentialHintsAnswer(string Host, IReadOnlyList<CredentialsView> Items);

/// <summary>GET /code/{id}/commit answer.</summary>
public sealed record ResolvedCommit(string Repo, string Commit);

/// <summary>POST /datasets, /featuresets, /models. <c>versioned</c> defaults to true; otherwise <c>location</c> (a folder or URL) is required.</summary>
public sealed record CreateDataRepoRequest(
    string? Name, string? Description, string? Project, string? Group, bool? Versioned, string? Location,
    IReadOnlyList<string>? Tags, string? FeatureSpec);

/// <summary>PATCH /datasets|featuresets|models/{id}.</summary>
public sealed record UpdateDataRepoRequest(string? Description, string? Project, IReadOnlyList<string>? Tags, string? FeatureSpec);

/// <summary>POST /models/{id}/versions/{v}/publish.</summary>
public sealed record PublishModelRequest(string? ServingImage, string? TransformerImage, string? TransformerCommand);

/// <summary>PUT /models/{id}/versions/{v}/stage.</summary>
public sealed record ModelStageRequest(ModelStage? Stage);

/// <summary>POST /images.</summary>
public sealed record CreateImageRequest(string? Name, string? Url, string? Description, string? Project, string? Group, CredentialsRequest? Credentials);

/// <summary>PATCH /images/{id}.</summary>
public sealed record UpdateImageRequest(string? Description, string? Project);
