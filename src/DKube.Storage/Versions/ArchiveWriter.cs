using System.Formats.Tar;

namespace DKube.Storage.Versions;

/// <summary>Streams a version out as a tar archive, one stored file at a time.</summary>
public static class ArchiveWriter
{
    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Plain | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static async Task WriteTarAsync(VersionManifest manifest, IBlobStore store, Stream destination, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var entry in manifest.Entries)
        {
            switch (entry.Type)
            {
                case EntryType.Directory:
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, entry.Path + "/") { Mode = Executable }, cancellationToken);
                    break;
                case EntryType.Link:
                    await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, entry.Path) { LinkName = entry.Target!, Mode = Executable }, cancellationToken);
                    break;
                default:
                    await using (var content = await store.OpenReadAsync(entry.Hash!, cancellationToken))
                    {
                        var tar = new PaxTarEntry(TarEntryType.RegularFile, entry.Path) { DataStream = content, Mode = entry.Executable ? Executable : Plain };
                        await writer.WriteEntryAsync(tar, cancellationToken);
                    }

                    break;
            }
        }
    }
}
