using System.Text.RegularExpressions;
using DKube.Abstractions.Errors;

namespace DKube.Abstractions.Repos;

/// <summary>
/// A git remote in one of the accepted forms: <c>https://host/path</c>, <c>ssh://user@host/path</c>,
/// scp-like <c>user@host:path</c>, and <c>file://</c> or plain <c>http://</c> only where the server allows them (tests).
/// </summary>
public sealed partial record GitUrl(string Url, string Host)
{
    public const int MaxLength = 2048;

    public static GitUrl Parse(string? url, RepoSettings settings, string field = "url")
    {
        // Whitespace, control characters and a leading '-' could smuggle options into git or ssh.
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxLength || url.StartsWith('-') || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw DomainException.Validation(field, "must be a git URL (https://, ssh:// or user@host:path).");
        }

        if (ScpLike().Match(url) is { Success: true } scp)
        {
            return new GitUrl(url, scp.Groups["host"].Value.ToLowerInvariant());
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw DomainException.Validation(field, "must be a git URL (https://, ssh:// or user@host:path).");
        }

        switch (uri.Scheme)
        {
            case "https" or "ssh" when HostName().IsMatch(uri.Host) && uri.AbsolutePath.Length > 1:
            case "http" when settings.AllowHttpGitUrls && HostName().IsMatch(uri.Host) && uri.AbsolutePath.Length > 1:
                // A password in the URL would end up on git's command line and in the database.
                if (uri.UserInfo.Contains(':', StringComparison.Ordinal) || (uri.Scheme != "ssh" && uri.UserInfo.Length > 0))
                {
                    throw DomainException.Validation(field, "must not carry credentials; pass them in 'credentials'.");
                }

                return new GitUrl(url, uri.Host.ToLowerInvariant());
            case "file" when settings.AllowFileGitUrls && uri.IsLoopback:
                return new GitUrl(url, "localhost");
            default:
                throw DomainException.Validation(field, "must be a git URL (https://, ssh:// or user@host:path).");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+@(?<host>[A-Za-z0-9][A-Za-z0-9.-]*):(?<path>[^:]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ScpLike();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
