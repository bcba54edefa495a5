namespace DKube.Abstractions.Repos;

/// <summary>How a private repository or registry is reached.</summary>
[GenerateSerializer]
[Alias("dkube.credential-kind")]
public enum CredentialKind
{
    SshKey,
    Password,
    Token,
}
