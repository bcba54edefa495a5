namespace DKube.Storage.Versions;

/// <summary>One path of a version: a file (by content hash), a directory, or a symbolic link inside the version.</summary>
public sealed record ManifestEntry(string Path, EntryType Type, string? Hash, long Size, bool Executable, string? Target);
