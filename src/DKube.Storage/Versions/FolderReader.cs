namespace DKube.Storage.Versions;

/// <summary>Stages a folder on disk (a run's output) as a version: files, directories and links that stay inside it.</summary>
public static class FolderReader
{
    public static async Task ReadAsync(string folder, VersionStaging staging, CancellationToken cancellationToken)
    {
        var root = new DirectoryInfo(folder);
        if (!root.Exists)
        {
            throw new DirectoryNotFoundException($"Output folder '{folder}' does not exist.");
        }

        await ReadDirectoryAsync(root, "", staging, cancellationToken);
    }

    /// <summary>Stages one file on disk (a pipeline task's file artifact) as a version holding it as <paramref name="name"/>.</summary>
    public static async Task ReadFileAsync(string path, string name, VersionStaging staging, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.LinkTarget is not null)
        {
            throw new FileNotFoundException($"'{path}' is not a regular file.", path);
        }

        await AddFileAsync(file, name, staging, cancellationToken);
    }

    private static async Task ReadDirectoryAsync(DirectoryInfo directory, string prefix, VersionStaging staging, CancellationToken cancellationToken)
    {
        foreach (var item in directory.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var path = prefix + item.Name;
            if (item.LinkTarget is { } target)
            {
                // Links are kept as links (and refused when they lead outside), never followed.
                staging.AddSymbolicLink(path, target);
            }
            else if (item is DirectoryInfo sub)
            {
                staging.AddDirectory(path);
                await ReadDirectoryAsync(sub, path + "/", staging, cancellationToken);
            }
            else if (item is FileInfo file)
            {
                await AddFileAsync(file, path, staging, cancellationToken);
            }
        }
    }

    private static async Task AddFileAsync(FileInfo file, string path, VersionStaging staging, CancellationToken cancellationToken)
    {
        var executable = !OperatingSystem.IsWindows() && file.UnixFileMode.HasFlag(UnixFileMode.UserExecute);
        await using var content = new FileStream(file.FullName, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, BufferSize = 0, Options = FileOptions.SequentialScan });
        await staging.AddFileAsync(path, content, executable, cancellationToken);
    }
}
