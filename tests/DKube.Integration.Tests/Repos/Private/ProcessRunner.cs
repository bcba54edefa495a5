using System.Diagnostics;

namespace DKube.Integration.Tests.Repos.Private;

/// <summary>Runs a tool of the test machine (ssh-keygen, apt-get) to completion; a failure fails the test with its output.</summary>
public static class ProcessRunner
{
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> arguments, string? folder = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder ?? "" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }
}
