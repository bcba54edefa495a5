namespace DKube.Abstractions.Repos;

/// <summary>
/// How ssh treats a git host's key when the repository names no known_hosts of its own
/// (the values of ssh's <c>StrictHostKeyChecking</c>).
/// </summary>
public enum SshHostKeyChecking
{
    /// <summary>Only hosts already in the server's known_hosts file (or the system's) are reached.</summary>
    Yes,

    /// <summary>A host's first key is recorded in the server's known_hosts file; a changed key is refused afterwards.</summary>
    AcceptNew,

    /// <summary>Any key is accepted and nothing is recorded: open to a man in the middle, for tests only.</summary>
    No,
}
