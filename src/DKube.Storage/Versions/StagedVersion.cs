namespace DKube.Storage.Versions;

/// <summary>A version whose files and manifest are in the store: its digest, total size and file count.</summary>
public sealed record StagedVersion(string Digest, long Size, int FileCount);
