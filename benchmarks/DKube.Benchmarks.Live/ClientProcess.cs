using System.Diagnostics;

namespace DKube.Benchmarks.Live;

/// <summary>This program started again in <c>clients</c> mode (<see cref="FanOutClients"/>), spoken to line by line.</summary>
public sealed class ClientProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ClientProcess(Process process) => _process = process;

    public static ClientProcess Start(Uri server, string token)
    {
        // `dotnet run` starts the apphost; `dotnet X.dll` starts dotnet, which needs the assembly again.
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ClientProcess).Assembly.Location);
        }

        foreach (var arg in new[] { "clients", server.ToString(), token })
        {
            start.ArgumentList.Add(arg);
        }

        return new ClientProcess(Process.Start(start)!);
    }

    /// <summary>Sends <paramref name="command"/> (none: only waits) and returns the words of the answer that starts with <paramref name="answer"/>.</summary>
    public async Task<string[]> AskAsync(string? command, string answer, TimeSpan? timeout = null)
    {
        if (command is not null)
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
        }

        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        var line = await _process.StandardOutput.ReadLineAsync(wait.Token)
            ?? throw new InvalidOperationException($"The clients' process ended (exit code {(_process.HasExited ? _process.ExitCode : -1)}) instead of answering '{command}'.");
        var words = line.Split(' ');
        return words[0] == answer ? words : throw new InvalidOperationException($"The clients' process answered '{line}' to '{command}'.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
