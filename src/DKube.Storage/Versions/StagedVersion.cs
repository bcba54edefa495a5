using DKube.Abstractions.Repos;

namespace DKube.Storage.Versions;

/// <summary>A version whose files and manifest are in the store: its digest, total size, file count and distinct contents.</summary>
public sealed record StagedVersion(string Digest, long Size, int FileCount, IReadOnlyList<StoredContent> Contents);
