using System.Runtime.InteropServices;

namespace DKube.Executors.Local;

/// <summary>
/// Ownership and modes of what a run may touch when it executes as its own account. Only the
/// server (root) calls this, always top-down and never through a symbolic link, so a run cannot
/// steer a chown or chmod at a file outside its folders.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static partial class RunFolderAccess
{
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupAll = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;
    private const UnixFileMode Traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>
    /// The working folder is root's with the run's group and the sticky bit (1770): the run creates
    /// files in it, but cannot rename or delete what the executor put there (its control folder,
    /// its log, its metrics file, the mount links), so whatever the server reads back by name
    /// stays the file the server made. Nobody else gets in.
    /// </summary>
    public static void PrepareWorkDir(LocalRunPaths paths, RunAccount account)
    {
        ShareAsWorkDir(paths.WorkDir, account);
        // Passable (the run reads its environment file there by name), not listable or writable.
        File.SetUnixFileMode(paths.ControlDir, Traverse);
        SetOwner(paths.LogFile, 0, account.Gid);
        File.SetUnixFileMode(paths.LogFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        SetOwner(paths.MetricsFile, 0, account.Gid);
        File.SetUnixFileMode(paths.MetricsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        if (File.Exists(paths.HyperparametersFile))
        {
            SetOwner(paths.HyperparametersFile, 0, account.Gid);
            File.SetUnixFileMode(paths.HyperparametersFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }

        ChownTree(paths.TensorBoardDir, account.Uid, account.Gid);
    }

    /// <summary>
    /// A folder of the working folder's kind (the working folder itself, or one the server made in it
    /// above a nested mount path): root's with the run's group and the sticky bit (1770), so the run
    /// adds its own entries but cannot rename or delete the server's.
    /// </summary>
    public static void ShareAsWorkDir(string folder, RunAccount account)
    {
        SetOwner(folder, 0, account.Gid);
        File.SetUnixFileMode(folder, UnixFileMode.StickyBit | OwnerAll | GroupAll);
    }

    /// <summary>The folders above the runs' own: others may pass through them but not list them.</summary>
    public static void MakeTraversable(string folder) =>
        File.SetUnixFileMode(folder, Traverse);

    /// <summary>
    /// A staged folder (e.g. <c>runs/&lt;id&gt;</c>, holding a run's input copies, code and output)
    /// becomes root's with the run's group, 0750: the run reads it, other accounts do not.
    /// </summary>
    public static void RestrictToRun(string folder, RunAccount account)
    {
        if (IsLink(folder))
            return;
        SetOwner(folder, 0, account.Gid);
        File.SetUnixFileMode(folder, OwnerAll | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
    }

    /// <summary>
    /// A read-only mount staged by the server (input copies, a feature spec), private to root by
    /// default, becomes readable by the run's group: root's still, so the run cannot change it.
    /// </summary>
    public static void ShareWithRun(string path, RunAccount account)
    {
        var entry = new DirectoryInfo(path);
        if (entry.LinkTarget is not null || !(entry.Exists || File.Exists(path)))
            return;
        SetOwner(path, 0, account.Gid);
        var mode = File.GetUnixFileMode(path);
        var read = UnixFileMode.GroupRead | ((mode & UnixFileMode.UserExecute) != 0 ? UnixFileMode.GroupExecute : 0);
        File.SetUnixFileMode(path, mode | read);
        if (!entry.Exists)
            return;
        foreach (var child in entry.EnumerateFileSystemInfos())
            ShareWithRun(child.FullName, account);
    }

    /// <summary>Gives a writable mount's folder (its code checkout, its output folder) to the run.</summary>
    public static void GiveToRun(string folder, RunAccount account) => ChownTree(folder, account.Uid, account.Gid);

    /// <summary>
    /// Takes a writable folder back once the run has ended, before the server reads it (an output
    /// becomes a version): root's, and nobody else may write. Top-down, so a process the run left
    /// behind loses write access to each folder before its entries are looked at.
    /// </summary>
    public static void TakeBack(string folder)
    {
        if (!Directory.Exists(folder) || IsLink(folder))
            return;
        TakeBackEntry(new DirectoryInfo(folder));
    }

    private static void TakeBackEntry(FileSystemInfo entry)
    {
        SetOwner(entry.FullName, 0, 0);
        if (entry.LinkTarget is not null)
            return;
        var mode = File.GetUnixFileMode(entry.FullName) & ~(UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.SetUser | UnixFileMode.SetGroup);
        File.SetUnixFileMode(entry.FullName, mode);
        if (entry is DirectoryInfo directory)
        {
            foreach (var child in directory.EnumerateFileSystemInfos())
                TakeBackEntry(child);
        }
    }

    private static void ChownTree(string path, int uid, int gid)
    {
        var entry = new DirectoryInfo(path);
        SetOwner(path, uid, gid);
        if (entry.LinkTarget is not null || !entry.Exists)
            return;
        foreach (var child in entry.EnumerateFileSystemInfos())
        {
            if (child is DirectoryInfo && child.LinkTarget is null)
                ChownTree(child.FullName, uid, gid);
            else
                SetOwner(child.FullName, uid, gid);
        }
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    /// <summary>lchown(2): a link itself is changed, never what it points at.</summary>
    private static void SetOwner(string path, int uid, int gid)
    {
        if (LChown(path, uid, gid) != 0)
            throw new IOException($"Could not change the owner of '{path}' to {uid}:{gid} (errno {Marshal.GetLastPInvokeError()}).");
    }

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChown(string path, int uid, int gid);
}
