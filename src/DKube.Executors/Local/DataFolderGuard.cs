using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace DKube.Executors.Local;

/// <summary>
/// Keeps a root server's data folder out of its runs' reach: everything the server creates is
/// private by default (umask 077), the data folder itself may be passed through but not listed,
/// and what an older version left readable (blobs, staging, the database's folder, tokens) is
/// made private. Only the runs' own folders (<c>work/&lt;id&gt;</c>, <c>runs/&lt;id&gt;</c>) are
/// opened again, to their run's account alone, by the executor.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static partial class DataFolderGuard
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Makes files and folders this process creates from now on private to its user.</summary>
    public static void MakeNewFilesPrivate() => _ = Umask(0x3F);

    /// <param name="runFolders">The folders (directly in <paramref name="dataDir"/>) under which runs get their own folders.</param>
    public static void Seal(string dataDir, IReadOnlyCollection<string> runFolders)
    {
        dataDir = Path.GetFullPath(dataDir);
        Directory.CreateDirectory(dataDir);
        File.SetUnixFileMode(dataDir, Private | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var open = runFolders.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in new DirectoryInfo(dataDir).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null)
                continue;
            if (open.Contains(entry.FullName))
            {
                File.SetUnixFileMode(entry.FullName, Private | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
                // Folders of runs from before isolation were readable by all; a run's own folder never is.
                foreach (var run in ((DirectoryInfo)entry).EnumerateDirectories())
                {
                    if (run.LinkTarget is null && (run.UnixFileMode & UnixFileMode.OtherRead) != 0)
                        run.UnixFileMode &= ~Others;
                }
            }
            else
            {
                entry.UnixFileMode &= ~Others;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial int Umask(int mask);
}
