using System.Text.Json;
using DKube.Abstractions.Repos;

namespace DKube.Storage.Secrets;

/// <summary>Seals and unseals whole <see cref="AccessCredentials"/> (kind, user name and secret together).</summary>
public static class CredentialSeal
{
    public static byte[] Seal(this ISecretProtector protector, AccessCredentials credentials) =>
        protector.Seal(JsonSerializer.SerializeToUtf8Bytes(credentials));

    public static AccessCredentials UnsealCredentials(this ISecretProtector protector, byte[] sealedData) =>
        JsonSerializer.Deserialize<AccessCredentials>(protector.Unseal(sealedData))
            ?? throw new InvalidDataException("Sealed credentials are empty.");
}
