using System.Text.RegularExpressions;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Storage.Secrets;

namespace DKube.Grains.Repos;

/// <summary>Resolves and checks out code repositories with the real git client (see <see cref="GitProcess"/>).</summary>
public sealed partial class GitCodeResolver(IGrainFactory grains, ISecretProtector protector, RepoSettings settings) : ICodeResolver
{
    public async Task<string> ResolveCommitAsync(string repoId, string? requestedCommit, CancellationToken cancellationToken = default)
    {
        if (requestedCommit is not null)
        {
            return RequireCommit(requestedCommit);
        }

        var access = await grains.GetGrain<ICodeRepoGrain>(repoId).GetAccess();
        if (access.Commit is { } pinned)
        {
            return pinned;
        }

        var output = await GitProcess.RunAsync(Unseal(access), access.KnownHosts, settings,
            ["ls-remote", "--heads", "--", access.Url, $"refs/heads/{access.Branch}"], cancellationToken);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && parts[1] == $"refs/heads/{access.Branch}" && CommitId().IsMatch(parts[0]))
            {
                return parts[0];
            }
        }

        throw DomainException.Unprocessable("branch-not-found", $"Branch '{access.Branch}' does not exist in the repository.");
    }

    public async Task CheckoutAsync(string repoId, string commit, string targetFolder, CancellationToken cancellationToken = default)
    {
        RequireCommit(commit);
        if (Directory.Exists(targetFolder) && Directory.EnumerateFileSystemEntries(targetFolder).Any())
        {
            throw DomainException.Conflict("target-not-empty", $"Folder '{targetFolder}' is not empty.");
        }

        var access = await grains.GetGrain<ICodeRepoGrain>(repoId).GetAccess();
        var credentials = Unseal(access);
        await GitProcess.RunAsync(credentials, access.KnownHosts, settings, ["clone", "--quiet", "--no-checkout", "--", access.Url, targetFolder], cancellationToken);
        await GitProcess.RunAsync(null, null, settings,
            ["-C", targetFolder, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit, "--"], cancellationToken);
    }

    private AccessCredentials? Unseal(CodeAccess access) =>
        access.SealedCredentials is { } sealedCredentials ? protector.UnsealCredentials(sealedCredentials) : null;

    private static string RequireCommit(string commit) =>
        CommitId().IsMatch(commit) ? commit : throw DomainException.Validation("commit", "must be a commit id: 7 to 64 lower-case hex digits.");

    [GeneratedRegex("^[0-9a-f]{7,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitId();
}
