namespace DKube.Abstractions.Repos;

/// <summary>
/// Credentials as a caller hands them over (a private key, a password or a token). They cross
/// one grain call on creation, are sealed at once and are never returned.
/// </summary>
[GenerateSerializer]
[Alias("dkube.access-credentials")]
public sealed record AccessCredentials(
    [property: Id(0)] CredentialKind Kind,
    [property: Id(1)] string? Username,
    [property: Id(2)] string Secret)
{
    public CredentialsView View => new(Kind, Username);

    // A record prints every property; this one must never put its secret in a log line.
    public override string ToString() => $"AccessCredentials {{ Kind = {Kind}, Username = {Username} }}";
}
