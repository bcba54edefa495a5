using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace DKube.Executors.Local;

/// <summary>
/// The embedded default backend: each run is an OS process in its own working folder and its own
/// session, so it outlives the server and a restarted server can adopt it. See README.md beside
/// this file for the folder layout and the environment a run gets.
/// </summary>
public sealed class LocalExecutor : IExecutor, IAsyncDisposable
{
    private readonly LocalExecutorOptions _options;
    private readonly IExecutionStatusSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalExecutor> _logger;
    private readonly ConcurrentDictionary<string, LocalRun> _runs = new(StringComparer.Ordinal);

    // Submit, reconcile and dispose decide whether an id is started, adopted or left alone; taking
    // them one at a time keeps that decision free of races without a lock per id.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly CancellationToken _stopping;
    private int _disposed;

    public LocalExecutor(LocalExecutorOptions options, IExecutionStatusSink sink, TimeProvider timeProvider, ILogger<LocalExecutor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        if (string.IsNullOrWhiteSpace(options.RootPath))
            throw new ArgumentException("LocalExecutorOptions.RootPath is required: it is where runs get their working folders.", nameof(options));

        _options = options;
        _sink = sink;
        _time = timeProvider;
        _logger = logger;
        _stopping = _lifetime.Token;
    }

    public string Kind => "local";

    public async Task<string> SubmitAsync(ExecutionSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        LocalSpecValidator.Validate(spec);

        LocalRun run;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_runs.TryGetValue(spec.Id, out var known))
                return known.BackendId;

            var paths = PathsOf(spec.Id);
            if (File.Exists(paths.RecordFile) && !NeverStarted(paths))
            {
                // Submitted before this server started: adopt it if it runs, never start it twice.
                var status = await ReconcileOneAsync(spec.Id, cancellationToken);
                return status.BackendId ?? string.Empty;
            }

            run = await StartAsync(spec, paths, cancellationToken);
            _runs[spec.Id] = run;
            run.Watcher = WatchAsync(run);
        }
        finally
        {
            _gate.Release();
        }

        try
        {
            await ReportAsync(new ExecutionStatus(spec.Id, ExecutionState.Running, _time.GetUtcNow(), BackendId: run.BackendId));
        }
        finally
        {
            run.MarkAnnounced();
        }

        return run.BackendId;
    }

    public async Task StopAsync(string id, TimeSpan grace, CancellationToken cancellationToken)
    {
        LocalSpecValidator.ValidateId(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);

        if (!_runs.TryGetValue(id, out var run))
        {
            // Not watched by this server yet (stopped before reconcile): adopt it first if it still runs.
            await _gate.WaitAsync(cancellationToken);
            try
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                await ReconcileOneAsync(id, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }

            if (!_runs.TryGetValue(id, out run))
                return;
        }

        if (run.Final is not null || !run.IsAlive)
            return;

        _logger.LogInformation("Stopping local run {RunId} (pid {Pid}) with a grace period of {Grace}", id, run.Pid, grace);
        await LocalRunFiles.WriteMarkerAsync(run.Paths.StopMarkerFile, _time.GetUtcNow(), cancellationToken);
        await TerminateAsync(run, grace, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ReadMetricsAsync(string id, CancellationToken cancellationToken)
    {
        LocalSpecValidator.ValidateId(id);
        var file = PathsOf(id).MetricsFile;
        if (!File.Exists(file))
        {
            return [];
        }

        // A run may be writing its last line right now: keep only complete lines.
        var text = await File.ReadAllTextAsync(file, cancellationToken);
        var end = text.LastIndexOf('\n');
        return end < 0 ? [] : text[..end].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public IAsyncEnumerable<string> ReadLogAsync(string id, bool follow, CancellationToken cancellationToken)
    {
        LocalSpecValidator.ValidateId(id);
        var paths = PathsOf(id);

        // An unknown id has no log at all: nothing to wait for.
        async ValueTask<bool> HasEnded(CancellationToken ct) =>
            !File.Exists(paths.RecordFile) || await HasEndedAsync(id, paths, ct);

        return FileLogFollower.ReadAsync(paths.LogFile, follow, HasEnded, _options.LogPollInterval, _time, cancellationToken);
    }

    /// <remarks>
    /// An adopted run's final status goes to the sink when it ends, which may be before the caller
    /// has read the Running this method returned for it: a final status always wins.
    /// </remarks>
    public async Task<IReadOnlyList<ExecutionStatus>> ReconcileAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids)
            LocalSpecValidator.ValidateId(id);

        var statuses = new List<ExecutionStatus>(ids.Count);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            foreach (var id in ids)
                statuses.Add(await ReconcileOneAsync(id, cancellationToken));
        }
        finally
        {
            _gate.Release();
        }

        return statuses;
    }

    /// <summary>Stops watching. The processes are left running on purpose: the next server adopts them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;

        await _lifetime.CancelAsync();
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            // Watchers end quietly on cancellation; waiting for them means none reports after dispose.
            await Task.WhenAll(_runs.Values.Select(r => r.Watcher).OfType<Task>());
            foreach (var run in _runs.Values)
                run.Dispose();
            _runs.Clear();
        }
        finally
        {
            _gate.Release();
        }

        _lifetime.Dispose();
    }

    private LocalRunPaths PathsOf(string id) => new(_options.RootPath, id);

    /// <summary>
    /// A record without the wrapper's pid line or an exit code: the server that wrote it died
    /// before the process started (the wrapper writes its pid first thing, milliseconds after the
    /// start, while a submit of the same id again comes from another server seconds later), so a
    /// submit starts it rather than calling it lost.
    /// </summary>
    private static bool NeverStarted(LocalRunPaths paths) => !File.Exists(paths.PidFile) && !File.Exists(paths.ExitCodeFile);

    private async Task<LocalRun> StartAsync(ExecutionSpec spec, LocalRunPaths paths, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.ControlDir);
        Directory.CreateDirectory(paths.TensorBoardDir);

        // Created empty so the path is usable (and followable) before the run's first metric.
        await File.AppendAllTextAsync(paths.MetricsFile, string.Empty, cancellationToken);
        var hasHyperparameters = spec.BackendOptions.TryGetValue(LocalSpecValidator.HyperparametersOption, out var hyperparameters);
        if (hasHyperparameters)
            await File.WriteAllTextAsync(paths.HyperparametersFile, hyperparameters, cancellationToken);
        foreach (var mount in spec.Mounts)
            Mount(paths, mount);
        if (spec.Image is not null)
            _logger.LogInformation("Local run {RunId} ignores image {Image}: local runs use the host's software", spec.Id, spec.Image);

        var record = new LocalRunRecord(spec.Id, spec.Kind, spec.User, spec.Group, _time.GetUtcNow(), spec.TimeLimit);
        await LocalRunFiles.WriteRecordAsync(paths, record, cancellationToken);

        // No redirection through the server: the wrapper writes to the log itself, so the run
        // does not depend on pipes that die with the server.
        var start = new ProcessStartInfo(_options.SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = paths.WorkDir,
        };
        foreach (var argument in new[] { _options.ShellPath, "-c", LocalWrapperScript.Text, "dkube-run", spec.Command })
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in LocalEnvironment.Build(spec, paths, _options, hasHyperparameters))
            start.Environment[name] = value;

        Process child;
        try
        {
            child = Process.Start(start) ?? throw new InvalidOperationException($"The process of local run '{spec.Id}' did not start.");
        }
        catch
        {
            // Without the record a retried submit starts the run instead of calling it lost.
            File.Delete(paths.RecordFile);
            throw;
        }

        _logger.LogInformation("Started local run {RunId} as pid {Pid} in {WorkDir}", spec.Id, child.Id, paths.WorkDir);
        return LocalRun.Started(spec.Id, paths, record, child);
    }

    /// <remarks>
    /// A symlink: the run sees the source's files at the mount path. It is not read-only protection:
    /// a run can write through a link to a read-only mount if the files' permissions allow it.
    /// </remarks>
    private static void Mount(LocalRunPaths paths, VolumeMount mount)
    {
        var link = Path.Combine(paths.WorkDir, LocalSpecValidator.RelativeMountPath(mount));
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var existing = new FileInfo(link);
        if (existing.LinkTarget is not null)
            existing.Delete();
        File.CreateSymbolicLink(link, mount.Source);
    }

    private async Task<ExecutionStatus> ReconcileOneAsync(string id, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_runs.TryGetValue(id, out var known))
            return known.Final ?? new ExecutionStatus(id, ExecutionState.Running, now, BackendId: known.BackendId);

        var paths = PathsOf(id);
        var record = await LocalRunFiles.ReadRecordAsync(paths, cancellationToken);
        if (record is null)
            return new ExecutionStatus(id, ExecutionState.Lost, now, Reason: $"no trace of this run under {Path.GetFullPath(_options.RootPath)}");

        var identity = await LocalRunFiles.ReadIdentityAsync(paths, cancellationToken);
        var backendId = identity?.Pid.ToString(CultureInfo.InvariantCulture);
        if (identity is { } alive && ProcFs.IsAlive(alive))
        {
            var run = LocalRun.Adopted(id, paths, record, alive);
            _runs[id] = run;
            run.Watcher = WatchAsync(run);
            _logger.LogInformation("Adopted local run {RunId} (pid {Pid})", id, alive.Pid);
            return new ExecutionStatus(id, ExecutionState.Running, now, BackendId: backendId);
        }

        return await LocalOutcome.ReadAsync(id, paths, backendId, sawItEnd: false, now, cancellationToken);
    }

    private async Task WatchAsync(LocalRun run)
    {
        var token = _stopping;
        try
        {
            await WaitWithinTimeLimitAsync(run, token);
            var status = await LocalOutcome.ReadAsync(run.Id, run.Paths, run.BackendId, sawItEnd: true, _time.GetUtcNow(), token);
            run.Finish(status);
            _logger.LogInformation("Local run {RunId} ended: {State} (exit code {ExitCode})", run.Id, status.State, status.ExitCode);
            await run.Announced.WaitAsync(token);
            await ReportAsync(status);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed: stop watching; the process lives on for the next server to adopt.
        }
        catch (Exception e)
        {
            // A watcher is fire-and-forget: whatever fails is logged, never left unobserved.
            _logger.LogError(e, "Watching local run {RunId} failed", run.Id);
        }
    }

    private async Task WaitWithinTimeLimitAsync(LocalRun run, CancellationToken token)
    {
        var exit = run.WaitForExitAsync(_time, _options.AdoptedPollInterval, token);
        if (run.Record.TimeLimit is not { } limit)
        {
            await exit;
            return;
        }

        // Measured from the submit, so a run adopted after a restart keeps its original deadline.
        var remaining = run.Record.SubmittedAt + limit - _time.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(token);
            var first = await Task.WhenAny(exit, Task.Delay(remaining, _time, delayCancel.Token));
            await delayCancel.CancelAsync();
            if (first == exit)
            {
                await exit;
                return;
            }
        }

        token.ThrowIfCancellationRequested();
        _logger.LogInformation("Local run {RunId} exceeded its time limit of {Limit}", run.Id, limit);
        await LocalRunFiles.WriteMarkerAsync(run.Paths.TimeLimitMarkerFile, _time.GetUtcNow(), token);
        await TerminateAsync(run, _options.TimeLimitGrace, token);
        await exit;
    }

    /// <summary>SIGTERM to the whole group, then SIGKILL to whatever of it is left after the grace period.</summary>
    private async Task TerminateAsync(LocalRun run, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (run.IsAlive)
            PosixSignals.SignalGroup(run.Pid, PosixSignals.SigTerm);

        using var graceCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var graceOver = Task.Delay(grace, _time, graceCancel.Token);
        var first = await Task.WhenAny(run.Ended, graceOver);
        cancellationToken.ThrowIfCancellationRequested();

        // The leader may end while children that ignore TERM live on: they get the rest of the grace period.
        if (first != graceOver)
        {
            if (!ProcFs.GroupHasLiveMembers(run.Pid))
            {
                await graceCancel.CancelAsync();
                return;
            }

            await graceOver;
        }

        // A live member pins the group id, so this cannot reach a group that reused it.
        if (ProcFs.GroupHasLiveMembers(run.Pid))
        {
            _logger.LogInformation("Local run {RunId} outlived its grace period of {Grace}: sending SIGKILL", run.Id, grace);
            PosixSignals.SignalGroup(run.Pid, PosixSignals.SigKill);
        }
    }

    private async Task<bool> HasEndedAsync(string id, LocalRunPaths paths, CancellationToken cancellationToken)
    {
        if (_runs.TryGetValue(id, out var run))
            return run.Ended.IsCompleted;
        return await LocalRunFiles.ReadIdentityAsync(paths, cancellationToken) is not { } identity || !ProcFs.IsAlive(identity);
    }

    /// <summary>Pushes a status; a sink that fails is logged, since the grain can always reconcile.</summary>
    private async Task ReportAsync(ExecutionStatus status)
    {
        try
        {
            await _sink.ReportAsync(status, _stopping);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // The run goes on whatever the sink does; the failure is logged.
            _logger.LogError(e, "Reporting {State} of local run {RunId} failed", status.State, status.Id);
        }
    }
}
