using System.Diagnostics;
using DKube.Abstractions.Errors;
using DKube.Abstractions.Repos;
using DKube.Executors;
using DKube.Storage.Secrets;

namespace DKube.Grains.Repos;

/// <summary>
/// Runs the git client. Credentials never appear on a command line: a password or token is
/// handed to git through an askpass script that reads it from the child's environment, and an
/// SSH key is a 0600 file named by GIT_SSH_COMMAND, all in a private scratch folder removed afterwards.
/// Host keys are checked as <see cref="GitSshCommand"/> says.
/// </summary>
internal static class GitProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    // Prints the user name or the secret, whichever git asks for, from the environment.
    private const string AskPass = """
        #!/bin/sh
        case "$1" in
          Username*) printf '%s\n' "$DKUBE_GIT_USERNAME" ;;
          *) printf '%s\n' "$DKUBE_GIT_SECRET" ;;
        esac
        """;

    public static async Task<string> RunAsync(
        AccessCredentials? credentials, string? knownHosts, RepoSettings settings, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("dkube-git-");
        try
        {
            var start = new ProcessStartInfo("git")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };

            // No helper, prompt or config of the server's own user may take part.
            foreach (var argument in (string[])["-c", "credential.helper=", "-c", "core.hooksPath=/dev/null", .. arguments])
            {
                start.ArgumentList.Add(argument);
            }

            // Built from scratch: git, ssh and whatever they start never see the server's connection strings or keys.
            ChildEnvironment.Replace(start.Environment, ChildEnvironment.From(ChildEnvironment.DefaultInherited));
            var environment = start.Environment;
            environment["GIT_TERMINAL_PROMPT"] = "0";

            // GitFailure reads git's and ssh's messages, so they must not come translated.
            environment["LC_ALL"] = "C";
            environment["GIT_CONFIG_NOSYSTEM"] = "1";
            environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
            environment["HOME"] = scratch.FullName;
            environment["GIT_ALLOW_PROTOCOL"] = AllowedProtocols(settings);

            string? key = null;
            string? knownHostsFile = null;
            if (knownHosts is not null)
            {
                knownHostsFile = Path.Combine(scratch.FullName, "known_hosts");
                PrivateFile.Create(knownHostsFile, knownHosts);
            }

            switch (credentials)
            {
                case { Kind: CredentialKind.SshKey }:
                    key = Path.Combine(scratch.FullName, "id");
                    PrivateFile.Create(key, credentials.Secret.ReplaceLineEndings("\n").Trim() + "\n");
                    break;
                case { Kind: CredentialKind.Password or CredentialKind.Token }:
                    var script = Path.Combine(scratch.FullName, "askpass");
                    PrivateFile.Create(script, AskPass + "\n", executable: true);
                    environment["GIT_ASKPASS"] = script;
                    environment["DKUBE_GIT_USERNAME"] = credentials.Username ?? "x-access-token";
                    environment["DKUBE_GIT_SECRET"] = credentials.Secret;
                    break;
            }

            environment["GIT_SSH_COMMAND"] = GitSshCommand.Build(key, knownHostsFile, settings);
            return await RunProcessAsync(start, arguments[0], cancellationToken);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    // Only the transports the URL rules accept, so a submodule or redirect cannot reach another one.
    private static string AllowedProtocols(RepoSettings settings)
    {
        var protocols = new List<string> { "https", "ssh" };
        if (settings.AllowFileGitUrls)
        {
            protocols.Add("file");
        }

        if (settings.AllowHttpGitUrls)
        {
            protocols.Add("http");
        }

        return string.Join(':', protocols);
    }

    private static async Task<string> RunProcessAsync(ProcessStartInfo start, string verb, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw DomainException.Unprocessable(GitFailure.Failed, $"git {verb} did not finish in time.");
        }

        if (process.ExitCode != 0)
        {
            var message = (await error).Trim();
            throw DomainException.Unprocessable(GitFailure.Classify(message), $"git {verb} failed: {(message.Length > 500 ? message[..500] : message)}");
        }

        return await output;
    }
}
