namespace DKube.Abstractions.Repos;

/// <summary>Server switches that shape what repositories accept.</summary>
/// <param name="MaxUploadBytes">Largest archive (and largest unpacked version) accepted by an upload.</param>
/// <param name="AllowFileGitUrls">Whether <c>file://</c> remotes are accepted (tests and single-machine setups only:
/// they let a user read any repository on the server's disk).</param>
public sealed record RepoSettings(long MaxUploadBytes, bool AllowFileGitUrls);
