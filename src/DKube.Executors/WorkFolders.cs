namespace DKube.Executors;

/// <summary>
/// What backends that see their work's folder (local processes; Slurm jobs on a shared folder)
/// do alike in it: show each mount at its path inside the folder, and read the metrics file back.
/// </summary>
internal static class WorkFolders
{
    /// <summary>
    /// A symlink: the work sees the source's files at the mount path (relative to <paramref name="workDir"/>).
    /// It is not read-only protection: work can write through a link to a read-only mount if the
    /// files' permissions allow it.
    /// </summary>
    public static void Link(string workDir, VolumeMount mount)
    {
        var link = Path.Combine(workDir, mount.MountPath.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var existing = new FileInfo(link);
        if (existing.LinkTarget is not null)
        {
            existing.Delete();
        }

        File.CreateSymbolicLink(link, mount.Source);
    }

    private const UnixFileMode AllReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
        | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    private const UnixFileMode AllExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// Makes <paramref name="folder"/> (if missing) writable by any user: remote work runs as the
    /// backend's user (slurmrestd's, the image's), not as this silo's.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static void OpenFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, AllReadWrite | AllExecute);
    }

    /// <summary>Creates the (empty) metrics file in a work folder, writable by any user, so the path is usable at once.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static async Task OpenMetricsFileAsync(string file, CancellationToken cancellationToken)
    {
        await File.AppendAllTextAsync(file, string.Empty, cancellationToken);
        File.SetUnixFileMode(file, AllReadWrite);
    }

    /// <summary>The complete lines of a metrics file (one JSON object per line); none when it does not exist.</summary>
    public static async Task<IReadOnlyList<string>> ReadMetricsAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            return [];
        }

        // The work may be writing its last line right now: keep only complete lines.
        var text = await File.ReadAllTextAsync(file, cancellationToken);
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
