using System.Diagnostics;
using System.Text;

namespace DKube.Integration.Tests.Infrastructure;

/// <summary>A real DKube.Server process (silo, API or both), started from the built executable.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the server with <paramref name="settings"/> as <c>DKUBE_*</c> environment variables.</summary>
    public static ServerProcess Start(string role, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePorts.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerDll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        info.Environment["DKUBE_ROLE"] = role;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            info.Environment["DKUBE_" + key] = value;
        }

        return Launch(info, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Starts the server as <paramref name="info"/> says (a newcomer's `dotnet run`, another working directory, ...).</summary>
    public static ServerProcess Launch(ProcessStartInfo info, Uri url)
    {
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        return new ServerProcess(process, url);
    }

    /// <summary>
    /// Stops the server as Ctrl+C or a service manager would (SIGTERM to the DKube.Server process,
    /// also when it runs under `dotnet run`), so it stops its embedded database, and waits for it.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        foreach (var pid in ServerPids())
        {
            using var kill = Process.Start("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
    }

    /// <summary>This process and its descendants that are the server itself (not `dotnet run` around it).</summary>
    private IEnumerable<int> ServerPids()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    // "pid (comm) state ppid ...": comm may hold spaces, so read after its closing parenthesis.
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                }
            }
        }

        var family = new List<int> { _process.Id };
        for (var i = 0; i < family.Count; i++)
        {
            family.AddRange(parents.Where(p => p.Value == family[i]).Select(p => p.Key));
        }

        return family.Where(pid => CommandLine(pid) is { } line && line.Contains("DKube.Server", StringComparison.Ordinal)
            && !line.Contains(" run ", StringComparison.Ordinal));
    }

    private static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Waits until <c>/healthz</c> answers.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Server exited with {_process.ExitCode}: {Output}");
            }

            try
            {
                if ((await http.GetAsync(new Uri(Url, "/healthz"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Server at {Url} not healthy after {timeout}: {Output}");
    }

    /// <summary>
    /// SIGKILL of the server process alone: no shutdown, no goodbye to the cluster. The local runs
    /// it started live on (they are sessions of their own), as they would after a real crash.
    /// </summary>
    public void KillHard() => _process.Kill(entireProcessTree: false);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The build configuration of this test assembly (Debug or Release), which the server was built in too.</summary>
    public static string Configuration => AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The repository's root folder (where DKube.Orleans.sln is).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "DKube.Orleans.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException("Repository root not found.");
        }
    }

    /// <summary>The server built beside this test assembly's configuration (Debug or Release).</summary>
    public static string ServerDll
    {
        get
        {
            var dll = Path.Combine(RepositoryRoot, "src", "DKube.Server", "bin", Configuration, "net10.0", "DKube.Server.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first.", dll);
        }
    }
}
