using System.Diagnostics;
using System.Globalization;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Serving;

/// <summary>
/// A real OCI registry: Debian's <c>docker-registry</c> (distribution 2.8) on a free loopback port,
/// plain HTTP, its storage in a temporary folder. It can be stopped and started again on the same
/// port and storage (a registry that is down, then back).
/// </summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    public const string Program = "/usr/bin/docker-registry";

    private readonly string _folder = Directory.CreateTempSubdirectory("dkube-registry-").FullName;
    private Process? _process;

    public int Port { get; } = FreePorts.Next();

    /// <summary>The registry's host and port, as image references name it.</summary>
    public string Host => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public Uri Url => new($"http://{Host}/");

    public async Task StartAsync()
    {
        var config = Path.Combine(_folder, "config.yml");
        if (!File.Exists(config))
        {
            await File.WriteAllTextAsync(config, $"""
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: {Path.Combine(_folder, "data")}
                http:
                  addr: {Host}
                """);
        }

        var start = new ProcessStartInfo(Program, ["serve", config]) { RedirectStandardOutput = true, RedirectStandardError = true };
        _process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.Until(() => http.TryGetStringAsync(new Uri(Url, "v2/").ToString()), body => body is not null, TimeSpan.FromSeconds(30), "the registry answers /v2/");
    }

    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
