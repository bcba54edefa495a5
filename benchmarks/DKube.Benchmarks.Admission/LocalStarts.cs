using System.Collections.Concurrent;
using System.Diagnostics;
using DKube.Executors;
using DKube.Executors.Local;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKube.Benchmarks.Admission;

/// <summary>
/// Local process starts straight through <see cref="LocalExecutor"/> (no grains, no database): N runs
/// of <c>true</c> submitted by C concurrent callers, timed from the first submit until every run's
/// final status has been reported. Beside it, the machine's own ceiling: <c>sh -c true</c> started
/// serially (posix_spawn, nothing else), the bound for any executor that runs work as processes.
/// Each with the launcher and with the server forking every run itself; as root, also with each
/// command run as its user's own account (setpriv), as a root server does.
/// </summary>
internal static class LocalStarts
{
    public static async Task<int> RunAsync(int runs, int concurrency)
    {
        Console.WriteLine($"DKube local executor starts: {Environment.ProcessorCount} cores, {runs} runs of `true`, concurrency {concurrency}");
        Console.WriteLine(Ceiling(Math.Min(runs, 2_000)));
        foreach (var launcher in new[] { true, false })
        {
            var how = launcher ? "launcher" : "server forks (setsid)";
            await MeasureAsync($"{how}, server's user", runs, concurrency, runUidBase: null, launcher);
            if (Environment.IsPrivilegedProcess)
                await MeasureAsync($"{how}, own account per user", runs, concurrency, runUidBase: 61000, launcher);
        }
        return 0;
    }

    private static string Ceiling(int count)
    {
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using var process = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "true"]) { UseShellExecute = false })!;
            process.WaitForExit();
        }

        return $"{"machine ceiling: sh -c true, serially",-52} n={count,6}  {count / wall.Elapsed.TotalSeconds,9:F0}/s";
    }

    private static async Task MeasureAsync(string name, int runs, int concurrency, int? runUidBase, bool launcher)
    {
        var root = Directory.CreateTempSubdirectory("dkube-local-bench-").FullName;
        var sink = new CountingSink(runs);
        var options = new LocalExecutorOptions { RootPath = root, RunUidBase = runUidBase, AdoptedPollInterval = TimeSpan.FromMilliseconds(100), LauncherPath = launcher ? "/usr/bin/python3" : null };
        var executor = new LocalExecutor(options, sink, TimeProvider.System, NullLogger<LocalExecutor>.Instance);
        try
        {
            var (latencies, submitted) = await ClosedLoop.RunAsync(concurrency, runs, i => executor.SubmitAsync(Spec($"bench-{i:D7}", $"u{i % 4}"), CancellationToken.None));
            await sink.AllEnded.WaitAsync(TimeSpan.FromMinutes(10));
            var wall = sink.Elapsed;
            Console.WriteLine(latencies.Report($"{name}: submit", submitted));
            Console.WriteLine($"{name + ": started and ended",-52} n={runs,6}  {runs / wall.TotalSeconds,9:F0}/s  (failed: {sink.Failed})");
        }
        finally
        {
            await executor.DisposeAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static ExecutionSpec Spec(string id, string user) =>
        new(id, WorkloadKind.Run, user, "bench", null, "true", new Dictionary<string, string>(), 0, 0, [], 1, 1, [], [], null, new Dictionary<string, string>());

    private sealed class CountingSink(int expected) : IExecutionStatusSink
    {
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, byte> _ended = new();
        private int _failed;

        public Task AllEnded => _all.Task;

        public TimeSpan Elapsed { get; private set; }

        public int Failed => _failed;

        public Task ReportAsync(ExecutionStatus status, CancellationToken cancellationToken)
        {
            if (status.State is ExecutionState.Running)
                return Task.CompletedTask;
            if (status.State is not ExecutionState.Succeeded)
                Interlocked.Increment(ref _failed);
            if (_ended.TryAdd(status.Id, 0) && _ended.Count == expected)
            {
                Elapsed = _wall.Elapsed;
                _all.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
