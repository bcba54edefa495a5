namespace DKube.Integration.Tests.Repos.Ssh;

/// <summary>A bare repository served by <see cref="SshGitHost"/>, with a working clone that pushes to it over the file system.</summary>
public sealed class SshRepository
{
    private readonly string _folder;

    public SshRepository(string folder, string sshBase)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
        LocalGit.Run(folder, "init", "--quiet", "--bare", "-b", "main", "remote.git");
        LocalGit.Run(folder, "init", "--quiet", "-b", "main", "work");
        Url = $"{sshBase}{Path.Combine(folder, "remote.git")}";
    }

    /// <summary>What the product is given: <c>ssh://root@127.0.0.1:port/absolute/path/remote.git</c>.</summary>
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
