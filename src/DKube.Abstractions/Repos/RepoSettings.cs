namespace DKube.Abstractions.Repos;

/// <summary>Server switches that shape what repositories accept.</summary>
/// <param name="MaxUploadBytes">Largest archive (and largest unpacked version) accepted by an upload.</param>
/// <param name="AllowFileGitUrls">Whether <c>file://</c> remotes are accepted (tests and single-machine setups only:
/// they let a user read any repository on the server's disk).</param>
/// <param name="HostKeyChecking">How ssh remotes' host keys are checked when a repository names no known_hosts.</param>
/// <param name="KnownHostsFile">The server's own known_hosts file, kept across git calls so a recorded key is checked the next time.</param>
/// <param name="AllowHttpGitUrls">Whether plain <c>http://</c> remotes are accepted (tests only: a password would cross the wire in the clear).</param>
public sealed record RepoSettings(
    long MaxUploadBytes,
    bool AllowFileGitUrls,
    SshHostKeyChecking HostKeyChecking = SshHostKeyChecking.AcceptNew,
    string? KnownHostsFile = null,
    bool AllowHttpGitUrls = false);
