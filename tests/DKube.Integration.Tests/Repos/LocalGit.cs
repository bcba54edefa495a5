using System.Diagnostics;

namespace DKube.Integration.Tests.Repos;

/// <summary>A bare repository on local disk with a working clone that pushes to it: a git host for tests, over file://.</summary>
public sealed class LocalGit : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("dkube-git-test-");

    public LocalGit()
    {
        Run(_root.FullName, "init", "--quiet", "--bare", "-b", "main", "remote.git");
        Run(_root.FullName, "init", "--quiet", "-b", "main", "work");
    }

    public string Url => new Uri(Path.Combine(_root.FullName, "remote.git")).AbsoluteUri;

    private string Work => Path.Combine(_root.FullName, "work");

    /// <summary>Commits <paramref name="content"/> as <paramref name="file"/> and pushes <paramref name="branch"/>; returns the commit id.</summary>
    public string CommitAndPush(string file, string content, string branch = "main")
    {
        File.WriteAllText(Path.Combine(Work, file), content);
        Run(Work, "add", "-A");
        Run(Work, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", $"change {file}");
        Run(Work, "push", "--quiet", Url, $"HEAD:refs/heads/{branch}");
        return Run(Work, "rev-parse", "HEAD").Trim();
    }

    public void Dispose() => _root.Delete(recursive: true);

    public static string Run(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"git {string.Join(' ', arguments)}: {error}");
        return output;
    }
}
