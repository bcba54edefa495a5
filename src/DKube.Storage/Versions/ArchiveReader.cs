using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using DKube.Abstractions.Errors;

namespace DKube.Storage.Versions;

/// <summary>Unpacks tar and zip archives into a <see cref="VersionStaging"/>, entry by entry, refusing anything unsafe.</summary>
public static class ArchiveReader
{
    private const int UnixTypeMask = 0xF000;
    private const int UnixSymlink = 0xA000;
    private const int UnixDirectory = 0x4000;
    private const int UnixRegular = 0x8000;

    /// <summary>Reads a tar stream sequentially: nothing is buffered beyond one copy buffer.</summary>
    public static async Task ReadTarAsync(Stream source, VersionStaging staging, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = new TarReader(source, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        await staging.AddFileAsync(entry.Name, entry.DataStream ?? Stream.Null, entry.Mode.HasFlag(UnixFileMode.UserExecute), cancellationToken);
                        break;
                    case TarEntryType.Directory:
                        staging.AddDirectory(entry.Name);
                        break;
                    case TarEntryType.SymbolicLink:
                        staging.AddSymbolicLink(entry.Name, entry.LinkName);
                        break;
                    case TarEntryType.HardLink:
                        staging.AddHardLink(entry.Name, entry.LinkName);
                        break;
                    case TarEntryType.GlobalExtendedAttributes:
                        break;
                    default:
                        throw SafePath.Unsafe(entry.Name, $"is a {entry.EntryType}, which a version cannot hold");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw Invalid("tar", e);
        }
    }

    /// <summary>Reads a zip that was spooled to <paramref name="file"/> (its directory is at the end, so it needs seeking).</summary>
    public static async Task ReadZipAsync(string file, VersionStaging staging, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            await using var zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: null, cancellationToken);
            foreach (var entry in zip.Entries)
            {
                var mode = (entry.ExternalAttributes >> 16) & 0xFFFF;
                var type = mode & UnixTypeMask;
                if (entry.FullName.EndsWith('/') || type == UnixDirectory)
                {
                    staging.AddDirectory(entry.FullName);
                }
                else if (type == UnixSymlink)
                {
                    staging.AddSymbolicLink(entry.FullName, await ReadLinkTargetAsync(entry, cancellationToken));
                }
                else if (type is 0 or UnixRegular)
                {
                    await using var content = await entry.OpenAsync(cancellationToken);
                    await staging.AddFileAsync(entry.FullName, content, (mode & 0x40) != 0, cancellationToken);
                }
                else
                {
                    throw SafePath.Unsafe(entry.FullName, "is neither a file, a directory nor a link");
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw Invalid("zip", e);
        }
    }

    private static async Task<string> ReadLinkTargetAsync(ZipArchiveEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Length > SafePath.MaxLength)
        {
            throw SafePath.Unsafe(entry.FullName, "is a link with an overlong target");
        }

        await using var content = await entry.OpenAsync(cancellationToken);
        using var reader = new StreamReader(content, Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static DomainException Invalid(string format, Exception e) =>
        DomainException.Unprocessable("invalid-archive", $"The body is not a readable {format} archive ({e.Message}); nothing was stored.");
}
