using System.Security.Cryptography;
using System.Text;

namespace DKube.Abstractions.Tenancy;

/// <summary>Bearer tokens: 256 random bits, stored only as their SHA-256.</summary>
public static class Tokens
{
    private const string Prefix = "dkt_";

    /// <summary>The prefix of a workload's own token (<see cref="IWorkloadTokens"/>), which is never stored.</summary>
    public const string WorkloadPrefix = "dkw_";

    public static string New() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
