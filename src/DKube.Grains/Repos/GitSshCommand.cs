using DKube.Abstractions.Repos;

namespace DKube.Grains.Repos;

/// <summary>
/// The GIT_SSH_COMMAND git runs for ssh remotes. Host keys are checked against the repository's
/// own known_hosts when it names one, else against the server's file per <see cref="SshHostKeyChecking"/>;
/// only the test-only <c>No</c> skips the check.
/// </summary>
internal static class GitSshCommand
{
    /// <param name="keyFile">The private key to offer (null: none, and no agent either).</param>
    /// <param name="repoKnownHosts">The repository's own known_hosts file, written to the scratch folder (null: none).</param>
    public static string Build(string? keyFile, string? repoKnownHosts, RepoSettings settings)
    {
        // BatchMode: never prompt. IdentitiesOnly plus IdentityAgent=none: only the repository's key
        // is offered, never one of the server user's own keys or agent.
        var options = new List<string> { "BatchMode=yes", "IdentitiesOnly=yes", "IdentityAgent=none" };
        if (repoKnownHosts is not null)
        {
            // A pinned repository trusts exactly its own entries, not what the server learnt elsewhere.
            options.AddRange(["StrictHostKeyChecking=yes", $"UserKnownHostsFile={Quote(repoKnownHosts)}", "GlobalKnownHostsFile=/dev/null"]);
        }
        else
        {
            options.AddRange(settings.HostKeyChecking switch
            {
                SshHostKeyChecking.No => ["StrictHostKeyChecking=no", "UserKnownHostsFile=/dev/null"],
                SshHostKeyChecking.Yes => ["StrictHostKeyChecking=yes", $"UserKnownHostsFile={Quote(ServerKnownHosts(settings))}"],
                _ => (string[])["StrictHostKeyChecking=accept-new", $"UserKnownHostsFile={Quote(ServerKnownHosts(settings))}"],
            });
        }

        var command = "ssh " + string.Join(' ', options.Select(o => "-o " + o));
        return keyFile is null ? command : $"{command} -i {Quote(keyFile)}";
    }

    /// <summary>The server's known_hosts file, its folder made if missing (ssh would not make it).</summary>
    private static string ServerKnownHosts(RepoSettings settings)
    {
        var file = settings.KnownHostsFile ?? throw new InvalidOperationException("The server's known_hosts file is not configured.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        return file;
    }

    // GIT_SSH_COMMAND goes through the shell: a path with a space or a quote must stay one word.
    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
