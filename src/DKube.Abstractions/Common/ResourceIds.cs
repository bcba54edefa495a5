using System.Security.Cryptography;

namespace DKube.Abstractions.Common;

/// <summary>Resource ids: a kind prefix and 12 random hex digits, e.g. <c>r-3f2a9c01b7de</c>.</summary>
public static class ResourceIds
{
    public static string New(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>
    /// The id a client's idempotency key stands for: the same <paramref name="scope"/> and key always
    /// name the same resource, so a retried request reaches the resource its first attempt made.
    /// </summary>
    public static string Derive(string prefix, string scope, string key) =>
        $"{prefix}-{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{scope}\n{key}")).AsSpan(0, 6))}";

    /// <summary>Whether <paramref name="id"/> could be an id at all (so junk never activates a grain).</summary>
    public static bool IsWellFormed(string id) =>
        id.Length is > 2 and <= 40 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
