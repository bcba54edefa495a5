using System.Diagnostics;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>Runs a tool of the test machine (psql, runuser, pg_ctl) and answers its exit code and output, for tests where failing is the point.</summary>
public static class Tool
{
    /// <param name="environment">Variables to set (a null value removes one); PGPASSWORD is always removed unless given.</param>
    public static (int ExitCode, string Output) Run(string program, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("PGPASSWORD");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }

    public static (int ExitCode, string Output) Run(string program, params string[] args) => Run(program, null, args);
}
