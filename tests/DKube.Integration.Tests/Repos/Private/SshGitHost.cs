using System.Diagnostics;
using System.Net.Sockets;
using DKube.Integration.Tests.Infrastructure;

namespace DKube.Integration.Tests.Repos.Private;

/// <summary>
/// A real OpenSSH server on a free loopback port, as a git host for tests: its own config, host
/// key, authorized_keys and pid file in a temp folder; git users log in as root (the tests run as
/// root) with keys the tests authorize. Repositories live in the same folder and are addressed as
/// <c>ssh://root@127.0.0.1:port/folder/name.git</c>.
/// </summary>
public sealed class SshGitHost : IAsyncDisposable
{
    private const string Sshd = "/usr/sbin/sshd";

    private readonly DirectoryInfo _root;
    private Process? _sshd;

    private SshGitHost(DirectoryInfo root, int port)
    {
        _root = root;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The host's public key line as a known_hosts file would hold it.</summary>
    public string KnownHostsLine { get; private set; } = "";

    private string AuthorizedKeys => Path.Combine(_root.FullName, "authorized_keys");

    private string HostKey => Path.Combine(_root.FullName, "host_ed25519");

    public static async Task<SshGitHost> StartAsync()
    {
        await EnsureInstalledAsync();
        var host = new SshGitHost(Directory.CreateTempSubdirectory("dkube-sshd-"), FreePorts.Next());
        await File.WriteAllTextAsync(host.AuthorizedKeys, "");
        await host.NewHostKeyAsync();
        await host.WriteConfigAsync();
        await host.StartSshdAsync();
        return host;
    }

    /// <summary>An ssh URL for a new bare repository named <paramref name="name"/> (with a working clone that pushes to it over file://).</summary>
    public HostedRepository NewRepository(string name) => new(Path.Combine(_root.FullName, "repos", name), bare => $"ssh://root@127.0.0.1:{Port}{bare}");

    /// <summary>Makes a key pair with ssh-keygen (<paramref name="arguments"/> pick type and format) and returns the private key's text.</summary>
    public async Task<string> NewKeyAsync(bool authorize, params string[] arguments)
    {
        var file = Path.Combine(_root.FullName, "keys", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await ProcessRunner.RunAsync("ssh-keygen", [.. arguments, "-q", "-N", "", "-C", "dkube-test", "-f", file]);
        if (authorize)
        {
            await File.AppendAllTextAsync(AuthorizedKeys, await File.ReadAllTextAsync(file + ".pub"));
        }

        return await File.ReadAllTextAsync(file);
    }

    /// <summary>A known_hosts line for this host's address with a key it does not have.</summary>
    public async Task<string> OtherKnownHostsLineAsync()
    {
        var file = Path.Combine(_root.FullName, "keys", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
        var publicKey = (await File.ReadAllTextAsync(file + ".pub")).Trim().Split(' ');
        return $"[127.0.0.1]:{Port} {publicKey[0]} {publicKey[1]}";
    }

    /// <summary>Restarts sshd with a new host key on the same port: what a man in the middle would present.</summary>
    public async Task ChangeHostKeyAsync()
    {
        await StopSshdAsync();
        File.Delete(HostKey);
        File.Delete(HostKey + ".pub");
        await NewHostKeyAsync();
        await StartSshdAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopSshdAsync();
        _root.Delete(recursive: true);
    }

    private async Task NewHostKeyAsync()
    {
        await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", HostKey]);
        var publicKey = (await File.ReadAllTextAsync(HostKey + ".pub")).Trim().Split(' ');
        KnownHostsLine = $"[127.0.0.1]:{Port} {publicKey[0]} {publicKey[1]}";
    }

    private Task WriteConfigAsync() => File.WriteAllTextAsync(Path.Combine(_root.FullName, "sshd_config"), $"""
        Port {Port}
        ListenAddress 127.0.0.1
        HostKey {HostKey}
        PidFile {Path.Combine(_root.FullName, "sshd.pid")}
        AuthorizedKeysFile {AuthorizedKeys}
        PermitRootLogin prohibit-password
        PubkeyAuthentication yes
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        StrictModes no
        UsePAM no
        PrintMotd no
        """);

    private async Task StartSshdAsync()
    {
        // sshd refuses to start without its privilege separation folder, which the package's service would make.
        Directory.CreateDirectory("/run/sshd");
        var start = new ProcessStartInfo(Sshd) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-D", "-e", "-f", Path.Combine(_root.FullName, "sshd_config")])
        {
            start.ArgumentList.Add(argument);
        }

        _sshd = Process.Start(start)!;
        _sshd.ErrorDataReceived += (_, _) => { };
        _sshd.OutputDataReceived += (_, _) => { };
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
        await Eventually.Until(() => Task.FromResult(_sshd.HasExited || Listening()), up => up, TimeSpan.FromSeconds(20), "sshd listening");
        if (_sshd.HasExited)
        {
            throw new InvalidOperationException($"sshd exited with {_sshd.ExitCode} on port {Port}.");
        }
    }

    private async Task StopSshdAsync()
    {
        if (_sshd is { HasExited: false })
        {
            _sshd.Kill();
            await _sshd.WaitForExitAsync();
        }

        _sshd?.Dispose();
        _sshd = null;
    }

    private bool Listening()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Debian's package, as .ci/run installs it; here too so a developer's first run needs nothing by hand.
    private static async Task EnsureInstalledAsync()
    {
        if (!File.Exists(Sshd))
        {
            await ProcessRunner.RunAsync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server"]);
        }
    }
}
