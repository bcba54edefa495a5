using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DKube.Abstractions.Tenancy;
using DKube.Storage.Secrets;

namespace DKube.Grains.Workloads;

/// <summary>
/// Workload tokens as the claim sealed (AES-GCM) with the server's secrets key: nothing to store,
/// unforgeable without the key, readable by every process that shares <c>DKUBE_SECRETS_KEY</c>.
/// The plaintext starts with its purpose, so no other sealed value can pass for a token.
/// </summary>
public sealed class SealedWorkloadTokens(ISecretProtector protector) : IWorkloadTokens
{
    private const string Purpose = "dkube-workload-token-v1";

    public string Issue(WorkloadTokenClaim claim)
    {
        var text = string.Join('\n', Purpose, claim.WorkloadId, claim.Attempt.ToString(CultureInfo.InvariantCulture), claim.Owner);
        return Tokens.WorkloadPrefix + Base64Url.EncodeToString(protector.Seal(Encoding.UTF8.GetBytes(text)));
    }

    public WorkloadTokenClaim? Read(string token)
    {
        if (!token.StartsWith(Tokens.WorkloadPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(protector.Unseal(Base64Url.DecodeFromChars(token.AsSpan(Tokens.WorkloadPrefix.Length)))).Split('\n');
            return parts.Length == 4 && parts[0] == Purpose && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var attempt)
                ? new WorkloadTokenClaim(parts[1], attempt, parts[3])
                : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }
}
