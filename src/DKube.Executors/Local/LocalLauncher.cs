using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace DKube.Executors.Local;

/// <summary>
/// One long-lived process per executor that starts runs for it (<see cref="LocalLauncherScript"/>),
/// so a start is one spawn from a small process instead of a fork of the server plus a
/// <c>setsid</c> exec, and the server keeps no child per run (.NET looks at every child it has
/// on each SIGCHLD). Starts are pipelined: callers never wait for each other, only for their own
/// answer. The launcher is not the runs' record: each run's wrapper writes its pid and exit code,
/// so when the launcher dies (with the server or alone) its runs live on and are watched through
/// /proc, as after a restart.
/// </summary>
internal sealed class LocalLauncher : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ILogger _logger;
    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<long, TaskCompletionSource<(ProcessIdentity, Task)>> _starting = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _exits = new();
    private readonly TaskCompletionSource _gone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writer;
    private readonly Task _reader;
    private long _tag;

    private LocalLauncher(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        _writer = WriteAsync();
        _reader = ReadAsync();
    }

    /// <summary>Completes when the launcher has ended: runs it started and did not report are then watched through /proc.</summary>
    public Task Gone => _gone.Task;

    /// <summary>Starts the launcher with <paramref name="interpreter"/> (an absolute path) and nothing of the server's environment.</summary>
    public static LocalLauncher Start(string interpreter, ILogger logger)
    {
        var start = new ProcessStartInfo(interpreter)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            WorkingDirectory = "/",
        };
        foreach (var argument in new[] { "-I", "-S", "-c", LocalLauncherScript.Text })
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"The local launcher '{interpreter}' did not start.");
        logger.LogInformation("Started the local launcher as pid {Pid}", process.Id);
        return new LocalLauncher(process, logger);
    }

    /// <summary>
    /// Starts <paramref name="argv"/> (argv[0] an absolute path) as a session leader in
    /// <paramref name="workDir"/> with exactly <paramref name="environment"/>; returns its identity and
    /// a task that completes when the launcher saw it end (never, if the launcher died first).
    /// </summary>
    public async Task<(ProcessIdentity Identity, Task Exited)> StartAsync(
        IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string workDir)
    {
        var tag = Interlocked.Increment(ref _tag);
        var answer = new TaskCompletionSource<(ProcessIdentity, Task)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _starting[tag] = answer;
        var request = new JsonObject
        {
            ["tag"] = tag,
            ["cwd"] = workDir,
            ["argv"] = new JsonArray([.. argv.Select(a => (JsonNode?)JsonValue.Create(a))]),
            ["env"] = new JsonObject(environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))),
        };
        if (_gone.Task.IsCompleted || !_requests.Writer.TryWrite(request.ToJsonString()))
        {
            _starting.TryRemove(tag, out _);
            throw new InvalidOperationException("The local launcher has ended.");
        }

        // Not cancellable once sent: the process may start, and its caller must learn its pid.
        return await answer.Task;
    }

    private async Task WriteAsync()
    {
        try
        {
            var input = _process.StandardInput;
            await foreach (var line in _requests.Reader.ReadAllAsync())
            {
                await input.WriteLineAsync(line);
                // Flushed once the queue is drained: a burst of starts shares one pipe write.
                if (!_requests.Reader.TryPeek(out _))
                    await input.FlushAsync();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _logger.LogWarning(e, "Writing to the local launcher failed");
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            var output = _process.StandardOutput;
            while (await output.ReadLineAsync() is { } line)
            {
                var message = JsonNode.Parse(line)!.AsObject();
                if (message["exit"] is { } exit)
                {
                    if (_exits.TryRemove(exit.GetValue<int>(), out var ended))
                        ended.TrySetResult();
                }
                else if (_starting.TryRemove(message["tag"]!.GetValue<long>(), out var answer))
                {
                    if (message["error"] is { } error)
                    {
                        answer.TrySetException(new InvalidOperationException($"The local launcher could not start the process: {error.GetValue<string>()}"));
                    }
                    else
                    {
                        // Registered before the start is answered: the exit line comes after this one.
                        var pid = message["pid"]!.GetValue<int>();
                        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        _exits[pid] = exited;
                        answer.TrySetResult((new ProcessIdentity(pid, message["start"]!.GetValue<long>()), exited.Task));
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or JsonException or InvalidOperationException or NullReferenceException)
        {
            _logger.LogWarning(e, "Reading from the local launcher failed");
        }
        finally
        {
            _requests.Writer.TryComplete();
            _gone.TrySetResult();
            foreach (var tag in _starting.Keys)
            {
                if (_starting.TryRemove(tag, out var answer))
                    answer.TrySetException(new InvalidOperationException("The local launcher ended before it answered."));
            }
        }
    }

    /// <summary>Ends the launcher by closing its input; the runs it started are left running.</summary>
    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _writer;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        await _reader;
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
