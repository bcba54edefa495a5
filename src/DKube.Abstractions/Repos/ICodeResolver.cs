namespace DKube.Abstractions.Repos;

/// <summary>
/// Turns a code repository into a commit and a working tree with the real git client. The run
/// layer calls it at submission (<see cref="ResolveCommitAsync"/>) and at start (<see cref="CheckoutAsync"/>).
/// </summary>
public interface ICodeResolver
{
    /// <summary>
    /// The commit a run uses: <paramref name="requestedCommit"/> when given, else the repository's
    /// pinned commit, else the latest commit of its branch (<c>git ls-remote</c>).
    /// </summary>
    Task<string> ResolveCommitAsync(string repoId, string? requestedCommit, CancellationToken cancellationToken = default);

    /// <summary>Clones the repository into <paramref name="targetFolder"/> (new or empty) at <paramref name="commit"/>.</summary>
    Task CheckoutAsync(string repoId, string commit, string targetFolder, CancellationToken cancellationToken = default);
}
