namespace DKube.Abstractions.Repos;

/// <summary>What the API shows of credentials: their kind and user name, never the secret.</summary>
[GenerateSerializer]
[Alias("dkube.credentials-view")]
public sealed record CredentialsView(
    [property: Id(0)] CredentialKind Kind,
    [property: Id(1)] string? Username);
