namespace DKube.Executors;

/// <summary>
/// Modes of what a silo stages for work that runs as another user (a Slurm job as slurmrestd's
/// user, a pod as its image's): set explicitly, whatever this process's umask (a root server's
/// is 077, which keeps local runs' folders private). Only folders under an executor's staging
/// root go through here; links are never followed. Nothing is done on Windows (no POSIX modes).
/// </summary>
public static class RemoteFolders
{
    private const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Open = Traversable | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Creates <paramref name="folder"/> and each level between <paramref name="root"/> and it
    /// (missing or not), 0755: the remote work can pass through and read them, not write.
    /// <paramref name="root"/>'s own mode is left as it is.
    /// </summary>
    public static void MakeTraversable(string root, string folder) => SetLevels(root, folder, Traversable, Traversable);

    /// <summary>
    /// Like <see cref="MakeTraversable"/>, with <paramref name="folder"/> itself writable by any
    /// user (0777): the remote work writes in it.
    /// </summary>
    public static void MakeWritable(string root, string folder) => SetLevels(root, folder, Traversable, Open);

    /// <summary>
    /// Like <see cref="MakeWritable"/>, with every level below <paramref name="root"/> writable by
    /// any user: folders inside a working folder the remote work writes in.
    /// </summary>
    public static void MakeAllWritable(string root, string folder) => SetLevels(root, folder, Open, Open);

    /// <summary>
    /// A staged file or tree (input copies, a code checkout, a feature spec) becomes readable by
    /// any user: folders 0755 at least, files readable (and executable where their owner's are).
    /// </summary>
    public static void MakeReadable(string path)
    {
        var entry = new DirectoryInfo(path);
        if (OperatingSystem.IsWindows() || entry.LinkTarget is not null)
        {
            return;
        }

        if (entry.Exists)
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | Traversable);
            foreach (var child in entry.EnumerateFileSystemInfos())
            {
                MakeReadable(child.FullName);
            }
        }
        else if (File.Exists(path))
        {
            var mode = File.GetUnixFileMode(path);
            var read = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead
                | ((mode & UnixFileMode.UserExecute) != 0 ? UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : 0);
            File.SetUnixFileMode(path, mode | read);
        }
    }

    /// <summary>Sets a readable mode on a file this silo wrote for the remote work to read (0644).</summary>
    public static void MakeFileReadable(string file)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    private static void SetLevels(string root, string folder, UnixFileMode between, UnixFileMode last)
    {
        root = Path.GetFullPath(root);
        folder = Path.GetFullPath(folder);
        var relative = Path.GetRelativePath(root, folder);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new ArgumentException($"Folder '{folder}' is not under '{root}'.", nameof(folder));
        }

        Directory.CreateDirectory(root);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        var current = root;
        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            current = Path.Combine(current, segments[i]);
            var level = new DirectoryInfo(current);
            if (level.LinkTarget is not null)
            {
                // A link (a non-versioned input) is not ours to change, nor anything behind it.
                return;
            }

            if (!level.Exists)
            {
                level.Create();
            }

            File.SetUnixFileMode(current, i == segments.Length - 1 ? last : between);
        }
    }
}
