namespace DKube.Abstractions.Repos;

/// <summary>The last credentials an owner used per host and kind, shown (kind and user name only) to prefill a new repository.</summary>
public interface ICredentialHints
{
    Task<IReadOnlyList<CredentialsView>> ListAsync(string owner, string host, CancellationToken cancellationToken);
}
