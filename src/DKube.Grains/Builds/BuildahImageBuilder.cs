using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DKube.Executors;
using DKube.Storage.Secrets;

namespace DKube.Grains.Builds;

/// <summary>
/// Builds an image from a prepared context with buildah (no daemon) and pushes it. The context's
/// Containerfile only copies files and sets metadata (no RUN), so nothing of the user's is executed
/// and the default chroot isolation never starts a container. Registry credentials reach buildah
/// through a private auth file in a scratch folder removed afterwards, never on a command line or in
/// the image; buildah's environment is built from scratch (no server secret).
/// </summary>
public sealed class BuildahImageBuilder(ModelBuildOptions options)
{
    /// <summary>Builds <paramref name="containerfile"/> in <paramref name="context"/>, pushes it to <paramref name="target"/> and returns the pushed manifest's digest.</summary>
    public async Task<string> BuildAndPushAsync(string context, string containerfile, string localTag, string target, BuildLog log, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        Directory.CreateDirectory(options.StorageRoot);
        var scratch = Directory.CreateTempSubdirectory("dkube-build-");
        try
        {
            var authFile = AuthFile(scratch.FullName);
            var tls = $"--tls-verify={(options.TlsVerify ? "true" : "false")}";
            await RunAsync(scratch.FullName, log, "build", timeout.Token,
                ["bud", "--isolation", "chroot", "--layers=false", tls, .. authFile, "-f", containerfile, "-t", localTag, context]);
            var digestFile = Path.Combine(scratch.FullName, "digest");
            try
            {
                await RunAsync(scratch.FullName, log, "push", timeout.Token,
                    ["push", tls, .. authFile, "--digestfile", digestFile, localTag, $"docker://{target}"]);
            }
            finally
            {
                // The pushed image is in the registry; only base images stay in local storage.
                await TryRunAsync(scratch.FullName, ["rmi", "-f", localTag]);
            }

            var digest = (await File.ReadAllTextAsync(digestFile, cancellationToken)).Trim();
            return digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest : throw new ImageBuildException($"buildah push wrote no digest ('{digest}').");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImageBuildException($"the build did not finish in {options.Timeout.TotalMinutes:0.#} minutes.");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>A docker-style auth file for the configured registry, or no argument without credentials.</summary>
    private string[] AuthFile(string scratch)
    {
        if (options.Registry is null || options.Username is null || options.Password is null)
        {
            return [];
        }

        var path = Path.Combine(scratch, "auth.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
        PrivateFile.Create(path, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["auths"] = new Dictionary<string, object> { [options.Registry] = new Dictionary<string, string> { ["auth"] = auth } },
        }));
        return ["--authfile", path];
    }

    private ProcessStartInfo Start(string scratch, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(options.Buildah)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["--root", options.StorageRoot, "--runroot", Path.Combine(options.StorageRoot, "run"),
            "--storage-driver", options.StorageDriver, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var environment = ChildEnvironment.From(ChildEnvironment.DefaultInherited);
        // No registries.conf, auth file or policy of the server's own user's home takes part.
        environment["HOME"] = scratch;
        environment["BUILDAH_ISOLATION"] = "chroot";
        environment["LC_ALL"] = "C";
        ChildEnvironment.Replace(start.Environment, environment);
        return start;
    }

    private async Task RunAsync(string scratch, BuildLog log, string step, CancellationToken cancellationToken, IEnumerable<string> arguments)
    {
        using var process = Process.Start(Start(scratch, arguments)) ?? throw new ImageBuildException($"{options.Buildah} did not start.");
        process.StandardInput.Close();
        var lastError = new List<string>();
        async Task Pump(StreamReader reader, bool error)
        {
            while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
            {
                log.Add(line);
                if (error && line.Length > 0)
                {
                    lock (lastError)
                    {
                        lastError.Add(line);
                    }
                }
            }
        }

        var pumps = Task.WhenAll(Pump(process.StandardOutput, false), Pump(process.StandardError, true));
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await pumps;
        if (process.ExitCode != 0)
        {
            var message = lastError.Count > 0 ? string.Join(" ", lastError.TakeLast(3)) : $"exit code {process.ExitCode}";
            throw new ImageBuildException($"{step} failed: {(message.Length > 1000 ? message[..1000] : message)}");
        }
    }

    private async Task TryRunAsync(string scratch, IEnumerable<string> arguments)
    {
        try
        {
            await RunAsync(scratch, new BuildLog(), "cleanup", CancellationToken.None, arguments);
        }
        catch (ImageBuildException)
        {
            // A tag left in local storage costs disk, not correctness; the next build uses another tag.
        }
    }
}
