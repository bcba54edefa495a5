using DKube.Abstractions.Errors;

namespace DKube.Storage.Versions;

/// <summary>Writes a version out to a folder for a run to read: plain copies, read-only files.</summary>
public static class Materializer
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ReadOnlyExecutable = ReadOnly | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static async Task WriteAsync(VersionManifest manifest, IBlobStore store, string targetFolder, CancellationToken cancellationToken)
    {
        RequireEmpty(targetFolder);
        var root = Directory.CreateDirectory(targetFolder).FullName;
        foreach (var entry in manifest.Entries)
        {
            // The manifest was checked on the way in; check again so a damaged one cannot write outside.
            var path = Path.Combine(root, SafePath.Normalize(entry.Path));
            switch (entry.Type)
            {
                case EntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case EntryType.Link:
                    SafePath.RequireLinkInside(entry.Path, entry.Target!);
                    File.CreateSymbolicLink(path, entry.Target!);
                    break;
                default:
                    await using (var content = await store.OpenReadAsync(entry.Hash!, cancellationToken))
                    await using (var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 }))
                    {
                        await content.CopyToAsync(file, 1024 * 1024, cancellationToken);
                    }

                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(path, entry.Executable ? ReadOnlyExecutable : ReadOnly);
                    }

                    break;
            }
        }
    }

    private static void RequireEmpty(string folder)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw DomainException.Conflict("target-not-empty", $"Folder '{folder}' is not empty.");
        }
    }
}
