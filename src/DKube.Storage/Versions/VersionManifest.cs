using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DKube.Storage.Versions;

/// <summary>
/// The tree of one version, sorted by path. It is stored as a blob itself, so a version is
/// named by the hash of its manifest (its digest) and equal trees have equal digests.
/// </summary>
public sealed record VersionManifest(IReadOnlyList<ManifestEntry> Entries)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public long Size => Entries.Where(e => e.Type == EntryType.File).Sum(e => e.Size);

    public int FileCount => Entries.Count(e => e.Type == EntryType.File);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<VersionManifest> LoadAsync(IBlobStore store, string digest, CancellationToken cancellationToken)
    {
        await using var stream = await store.OpenReadAsync(digest, cancellationToken);
        return await JsonSerializer.DeserializeAsync<VersionManifest>(stream, Json, cancellationToken)
            ?? throw new InvalidDataException($"Manifest {digest} is empty.");
    }
}
