using System.Security.Cryptography;
using System.Text;

namespace DKube.Storage.Postgres;

/// <summary>
/// A role's stored SCRAM-SHA-256 secret (RFC 5802/7677, as PostgreSQL keeps it in pg_authid), so
/// the server hands PostgreSQL a verifier and the password itself never appears in a statement.
/// </summary>
public static class ScramVerifier
{
    private const int Iterations = 4096;

    public static string For(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
