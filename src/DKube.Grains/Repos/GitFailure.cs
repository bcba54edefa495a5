namespace DKube.Grains.Repos;

/// <summary>Names a failed git call's cause from its error output, so a client can tell a refused key from a bad branch.</summary>
internal static class GitFailure
{
    public const string AccessDenied = "git-access-denied";
    public const string HostKeyRejected = "git-host-key-rejected";
    public const string Failed = "git-failed";

    public static string Classify(string stderr)
    {
        // ssh prints these for an unknown or changed host key; checked first, as git then also says it could not read the remote.
        if (stderr.Contains("Host key verification failed", StringComparison.Ordinal)
            || stderr.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal))
        {
            return HostKeyRejected;
        }

        // ssh's refusal of every offered key, and git's refusal of a password or token over http(s).
        return stderr.Contains("Permission denied", StringComparison.Ordinal)
            || stderr.Contains("Authentication failed", StringComparison.Ordinal)
            || stderr.Contains("could not read Username", StringComparison.Ordinal)
            || stderr.Contains("could not read Password", StringComparison.Ordinal)
            || stderr.Contains("Invalid format", StringComparison.Ordinal)
            || stderr.Contains("invalid format", StringComparison.Ordinal)
            ? AccessDenied
            : Failed;
    }
}
