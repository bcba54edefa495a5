using System.Text.RegularExpressions;
using DKube.Abstractions.Repos;
using DKube.Api.Contracts;

namespace DKube.Api.Validation;

/// <summary>Field rules of repositories and images, added to a <see cref="RequestValidator"/>.</summary>
public static partial class RepoValidation
{
    public const int MaxSecretLength = 16 * 1024;

    /// <summary>The credentials of <paramref name="request"/>, or null with errors recorded when they are incomplete.</summary>
    public static AccessCredentials? Credentials(this RequestValidator validator, string field, CredentialsRequest? request)
    {
        if (request is null)
        {
            return null;
        }

        string? secret = request.Kind switch
        {
            CredentialKind.SshKey => request.SshKey,
            CredentialKind.Password => request.Password,
            CredentialKind.Token => request.Token,
            _ => null,
        };
        validator.Check(request.Kind is not null, $"{field}.kind", "is required: SshKey, Password or Token.");
        validator.Check(request.Kind is null || !string.IsNullOrEmpty(secret), field, $"of kind {request.Kind} need their secret field.");
        validator.Check(secret is null || secret.Length <= MaxSecretLength, field, "carry an overlong secret.");

        // ssh reads PEM (RSA, EC, DSA), PKCS#8 and OpenSSH private keys, all armoured alike; anything
        // else (a public key, a PuTTY file) is refused here rather than failing later inside git.
        validator.Check(request.Kind != CredentialKind.SshKey || secret is null || PrivateKey().IsMatch(secret), $"{field}.sshKey",
            "must be a private key in OpenSSH, PEM or PKCS#8 format ('-----BEGIN ... PRIVATE KEY-----').");
        validator.Check(request.Kind != CredentialKind.Password || !string.IsNullOrEmpty(request.Username), $"{field}.username", "is required with a password.");
        validator.Check(request.Username is null || UserName().IsMatch(request.Username), $"{field}.username", "must be 1 to 128 printable characters without spaces or ':'.");
        var others = new[] { request.SshKey, request.Password, request.Token }.Count(s => s is not null);
        validator.Check(others <= 1, field, "must carry exactly one secret (sshKey, password or token).");
        return request.Kind is { } kind && !string.IsNullOrEmpty(secret) ? new AccessCredentials(kind, request.Username, secret) : null;
    }

    public static RequestValidator Commit(this RequestValidator validator, string field, string? commit, bool allowEmpty = false) =>
        commit is null || (allowEmpty && commit.Length == 0) ? validator : validator.Check(CommitId().IsMatch(commit), field, "must be a commit id: 7 to 64 lower-case hex digits.");

    public static RequestValidator Branch(this RequestValidator validator, string field, string? branch) =>
        branch is null ? validator : validator.Check(
            branch.Length <= 255 && BranchName().IsMatch(branch) && !branch.Contains("..", StringComparison.Ordinal) && !branch.EndsWith('/') && !branch.EndsWith(".lock", StringComparison.Ordinal),
            field, "must be a git branch name.");

    public static RequestValidator Tags(this RequestValidator validator, string field, IReadOnlyList<string>? tags)
    {
        if (tags is null)
        {
            return validator;
        }

        validator.Check(tags.Count <= 50, field, "must be at most 50 tags.");
        return validator.Check(tags.All(t => t is not null && t.Length <= 63 && Tag().IsMatch(t)), field, "must be words of letters, digits and '._:-' (at most 63 characters).");
    }

    public static RequestValidator ImageReference(this RequestValidator validator, string field, string? image, bool required = true)
    {
        if (image is null)
        {
            return required ? validator.Add(field, "is required.") : validator;
        }

        return validator.Check(image.Length <= 512 && Image().IsMatch(image), field, "must be an image reference such as 'registry.example.com/team/image:tag'.");
    }

    /// <summary>Where a non-versioned repository points: an absolute folder or an http(s)/s3 URL.</summary>
    public static RequestValidator Location(this RequestValidator validator, string field, string? location)
    {
        if (location is null)
        {
            return validator;
        }

        var ok = location.Length <= 2048 && !location.Any(char.IsControl) &&
            ((Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "s3" && string.IsNullOrEmpty(uri.UserInfo))
             || (location.StartsWith('/') && !location.Split('/').Contains("..")));
        return validator.Check(ok, field, "must be an absolute folder or an http(s) or s3 URL without credentials.");
    }

    [GeneratedRegex("^[0-9a-f]{7,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitId();

    [GeneratedRegex(@"\A\s*-----BEGIN (OPENSSH |RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----[\s\S]+-----END (OPENSSH |RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----\s*\z", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKey();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._/-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex BranchName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();

    [GeneratedRegex("^[^\\s:/@]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserName();

    [GeneratedRegex("^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Image();
}
