using DKube.Abstractions.Repos;

namespace DKube.Api.Contracts;

/// <summary>GET /code/credentials answer: what was last used for a host, without secrets.</summary>
public sealed record CredentialHintsAnswer(string Host, IReadOnlyList<CredentialsView> Items);
