namespace DKube.Integration.Tests.Repos.Private;

/// <summary>A bare repository (<c>folder/remote.git</c>) served by a test git host, with a working clone that pushes to it over the file system.</summary>
public sealed class HostedRepository
{
    private readonly string _folder;

    /// <param name="url">Where the host serves <c>folder/remote.git</c>.</param>
    public HostedRepository(string folder, Func<string, string> url)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        LocalGit.Run(folder, "init", "--quiet", "--bare", "-b", "main", "remote.git");
        LocalGit.Run(folder, "init", "--quiet", "-b", "main", "work");
        Url = url(Path.Combine(folder, "remote.git"));
    }

    /// <summary>What the product is given, e.g. <c>ssh://root@127.0.0.1:port/absolute/path/remote.git</c>.</summary>
    public string Url { get; }

    /// <summary>Commits <paramref name="content"/> as <paramref name="file"/> and pushes it to main; returns the commit id.</summary>
    public string CommitAndPush(string file, string content)
    {
        var work = Path.Combine(_folder, "work");
        File.WriteAllText(Path.Combine(work, file), content);
        LocalGit.Run(work, "add", "-A");
        LocalGit.Run(work, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", $"change {file}");
        LocalGit.Run(work, "push", "--quiet", Path.Combine(_folder, "remote.git"), "HEAD:refs/heads/main");
        return LocalGit.Run(work, "rev-parse", "HEAD").Trim();
    }
}
