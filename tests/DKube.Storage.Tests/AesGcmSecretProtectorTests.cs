using System.Security.Cryptography;
using System.Text;
using DKube.Storage.Secrets;

namespace DKube.Storage.Tests;

/// <summary>The protector is one per process and seals on every run start: it must hold under concurrent use.</summary>
public sealed class AesGcmSecretProtectorTests
{
    [Fact]
    public async Task SealsAndUnsealsFromManyThreadsAtOnce()
    {
        var protector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));

        var roundTrips = await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount * 4).Select(worker => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var secret = $"token-{worker}-{i}";
                var back = Encoding.UTF8.GetString(protector.Unseal(protector.Seal(Encoding.UTF8.GetBytes(secret))));
                if (back != secret)
                {
                    return false;
                }
            }

            return true;
        })));

        Assert.All(roundTrips, Assert.True);
    }

    [Fact]
    public void AChangedByteOrAnotherKeyFailsToUnseal()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var protector = new AesGcmSecretProtector(key);
        var sealedSecret = protector.Seal("secret"u8);

        var tampered = sealedSecret.ToArray();
        tampered[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unseal(tampered));
        var other = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));
        Assert.ThrowsAny<CryptographicException>(() => other.Unseal(sealedSecret));
        Assert.Equal("secret", Encoding.UTF8.GetString(protector.Unseal(sealedSecret)));
    }
}
