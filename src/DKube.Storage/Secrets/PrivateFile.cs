namespace DKube.Storage.Secrets;

/// <summary>
/// Files only their owner may read (keys, tokens, askpass scripts): created with mode 0600 (0700
/// when executable) rather than chmod-ed afterwards, so they are never readable by others even
/// briefly; an existing file is never overwritten.
/// </summary>
public static class PrivateFile
{
    /// <remarks>Synchronous: these files are a few hundred bytes.</remarks>
    public static void Create(string path, string content, bool executable = false)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | (executable ? UnixFileMode.UserExecute : 0);
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
    }
}
