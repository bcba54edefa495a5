namespace DKube.Storage.Secrets;

/// <summary>Seals secrets for storage (in grain state or tables) with a key that is never stored beside them.</summary>
public interface ISecretProtector
{
    byte[] Seal(ReadOnlySpan<byte> plaintext);

    /// <summary>The plaintext of <paramref name="sealedData"/>; throws when it was not sealed with this key or was altered.</summary>
    byte[] Unseal(ReadOnlySpan<byte> sealedData);
}
