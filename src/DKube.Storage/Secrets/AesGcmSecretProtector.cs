using System.Security.Cryptography;
using System.Text;

namespace DKube.Storage.Secrets;

/// <summary>
/// AES-256-GCM: <c>version(1) | nonce(12) | tag(16) | ciphertext</c>. A fresh random nonce per
/// seal; the tag makes any change to stored bytes (or a different key) fail loudly on unseal.
/// </summary>
public sealed class AesGcmSecretProtector : ISecretProtector
{
    public const string KeyFileName = "secrets.key";
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    // Binds every sealed value to its purpose, so a DKube secret cannot be replayed as some other AES-GCM message.
    private static readonly byte[] AssociatedData = Encoding.ASCII.GetBytes("dkube-credentials-v1");

    // The key, not an AesGcm: an AesGcm holds one OpenSSL cipher context, which .NET does not
    // promise is safe to use from several threads at once, and this protector is one per process
    // while every run start seals a token. A silo re-driving many starts at once failed one with
    // OpenSSL's "cipher operation failed" (FaultTests). Each call makes its own; that is cheap.
    private readonly byte[] _key;

    public AesGcmSecretProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The secrets key must be 32 bytes (256 bits).", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>
    /// The key from <paramref name="base64Key"/> (DKUBE_SECRETS_KEY) when set, else from
    /// <c>secrets.key</c> in <paramref name="dataDir"/>, made on first start and readable by the owner only.
    /// </summary>
    public static AesGcmSecretProtector FromConfiguration(string? base64Key, string dataDir)
    {
        if (!string.IsNullOrWhiteSpace(base64Key))
        {
            return new AesGcmSecretProtector(Convert.FromBase64String(base64Key.Trim()));
        }

        var file = Path.Combine(dataDir, KeyFileName);
        if (File.Exists(file))
        {
            return ReadKeyFile(file);
        }

        // Silos sharing a data folder may start at once: the key is written aside and moved into
        // place without replacing, so exactly one key wins and nobody reads a half-written file.
        Directory.CreateDirectory(dataDir);
        var key = RandomNumberGenerator.GetBytes(32);
        var written = $"{file}.{Guid.NewGuid():N}.tmp";
        PrivateFile.Create(written, Convert.ToBase64String(key));
        try
        {
            File.Move(written, file, overwrite: false);
            return new AesGcmSecretProtector(key);
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(written);
            return ReadKeyFile(file);
        }
    }

    private static AesGcmSecretProtector ReadKeyFile(string file) =>
        new(Convert.FromBase64String(File.ReadAllText(file).Trim()));

    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), AssociatedData);
        return output;
    }

    public byte[] Unseal(ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < 1 + NonceSize + TagSize || sealedData[0] != Version)
        {
            throw new CryptographicException("Not a sealed DKube secret.");
        }

        var plaintext = new byte[sealedData.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedData.Slice(1, NonceSize), sealedData[(1 + NonceSize + TagSize)..], sealedData.Slice(1 + NonceSize, TagSize), plaintext, AssociatedData);
        return plaintext;
    }
}
