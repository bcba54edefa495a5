using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using DKube.Executors.Usage;
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
    private readonly LocalRunAccounts? _accounts;
    private readonly string? _setpriv;
    private readonly string? _runWrapper;
    private readonly ProcessTreeSampler _sampler = new();
    private readonly NvidiaSmi _nvidiaSmi = new();

    // Submit, reconcile and stop decide whether an id is started, adopted or left alone: one at a
    // time per id (a gate per stripe of ids), never one at a time for the whole executor.
    private readonly IdGates _gates = new();
    private readonly string? _launcherInterpreter;
    private readonly string _shell;
    private readonly Lock _launcherLock = new();
    private LocalLauncher? _launcher;
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
        if (options.RunUidBase is { } uidBase && !OperatingSystem.IsWindows())
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(uidBase, 1, nameof(options.RunUidBase));
            _accounts = new LocalRunAccounts(options.RootPath, uidBase);
        }

        // The compiled helper when it is there (built beside the server's binaries where gcc was); else the shell wrapper.
        _runWrapper = OperatingSystem.IsLinux() && options.RunWrapperPath is { Length: > 0 } wrapper && Path.IsPathFullyQualified(wrapper) && File.Exists(wrapper)
            ? wrapper
            : null;
        if (_accounts is not null && _runWrapper is null)
        {
            // An absolute path: the wrapper runs it with the server's privileges, so no PATH may choose it.
            _setpriv = ResolveProgram(options.SetprivPath)
                ?? throw new InvalidOperationException($"'{options.SetprivPath}' (util-linux) was not found: it is needed to run local work as its own account.");
        }

        // The launcher spawns by absolute path (no PATH search in a process with the server's privileges).
        _shell = ResolveProgram(options.ShellPath) ?? options.ShellPath;
        _launcherInterpreter = OperatingSystem.IsLinux() && options.LauncherPath is { Length: > 0 } launcher && Path.IsPathFullyQualified(_shell)
            ? ResolveProgram(launcher)
            : null;
        if (_launcherInterpreter is null)
            _logger.LogInformation("Local runs are started by the server itself: no launcher interpreter ('{Launcher}')", options.LauncherPath);
        if (_runWrapper is null)
            _logger.LogInformation("Local runs start through the shell wrapper: no compiled run helper at '{RunWrapper}'", options.RunWrapperPath);
    }

    public string Kind => "local";

    /// <summary>A start is the launcher's spawn; Running is reported before <see cref="SubmitAsync"/> returns.</summary>
    public bool SubmitsAtOnce => true;

    public async Task<string> SubmitAsync(ExecutionSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        LocalSpecValidator.Validate(spec);

        LocalRun run;
        using (await _gates.EnterAsync(spec.Id, cancellationToken))
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

        try
        {
            await ReportAsync(new ExecutionStatus(spec.Id, ExecutionState.Running, _time.GetUtcNow(), BackendId: run.BackendId, Endpoint: run.Record.Endpoint));
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
            using (await _gates.EnterAsync(id, cancellationToken))
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                await ReconcileOneAsync(id, cancellationToken);
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

    public Task<IReadOnlyList<string>> ReadMetricsAsync(string id, CancellationToken cancellationToken)
    {
        LocalSpecValidator.ValidateId(id);
        return WorkFolders.ReadMetricsAsync(PathsOf(id).MetricsFile, cancellationToken);
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
        foreach (var id in ids)
        {
            using (await _gates.EnterAsync(id, cancellationToken))
            {
                ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
                statuses.Add(await ReconcileOneAsync(id, cancellationToken));
            }
        }

        return statuses;
    }

    /// <summary>CPU and memory of every run this executor watches, from /proc; GPUs from their records and nvidia-smi.</summary>
    public async Task<IReadOnlyList<ExecutionUsage>> SampleAsync(CancellationToken cancellationToken)
    {
        var running = _runs.Values.Where(r => r.Final is null).ToList();
        if (running.Count == 0)
            return [];

        var measured = _sampler.Sample(running.Select(r => r.Pid).ToHashSet(), System.Diagnostics.Stopwatch.GetTimestamp());
        var gpus = running.Any(r => r.Record.GpuIndices is { Count: > 0 }) ? await _nvidiaSmi.UtilizationAsync(cancellationToken) : null;
        return running
            .Select(r => (Run: r, Use: measured.GetValueOrDefault(r.Pid)))
            .Select(x => new ExecutionUsage(x.Run.Id, x.Run.Record.User, x.Run.Record.Group, x.Run.Record.GpuIndices?.Count ?? 0,
                NvidiaSmi.MeanOf(gpus, x.Run.Record.GpuIndices ?? []), x.Use.CpuCores, x.Use.MemoryBytes))
            .ToList();
    }

    /// <summary>Stops watching. The processes are left running on purpose: the next server adopts them.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;

        await _lifetime.CancelAsync();
        // Whatever started, adopted or stopped before the flag was set finishes first; later calls see the flag.
        await _gates.DrainAsync();

        // Watchers end quietly on cancellation; waiting for them means none reports after dispose.
        await Task.WhenAll(_runs.Values.Select(r => r.Watcher).OfType<Task>());
        foreach (var run in _runs.Values)
            run.Dispose();
        _runs.Clear();
        LocalLauncher? launcher;
        lock (_launcherLock)
            (launcher, _launcher) = (_launcher, null);
        if (launcher is not null)
            await launcher.DisposeAsync();

        _lifetime.Dispose();
    }

    private LocalRunPaths PathsOf(string id) => new(_options.RootPath, id);

    /// <summary>
    /// Lays out what a run with its own account may reach: its working folder (see
    /// <see cref="RunFolderAccess.PrepareWorkDir"/>), its environment file, its writable mounts, and
    /// the staged folder its mounts come from; the folders above are passable, not listable.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private async Task GrantAsync(ExecutionSpec spec, LocalRunPaths paths, RunAccount account, bool hasHyperparameters, int? port, CancellationToken cancellationToken)
    {
        RunFolderAccess.MakeTraversable(Path.GetFullPath(_options.RootPath));
        RunFolderAccess.PrepareWorkDir(paths, account);
        var environment = LocalEnvironment.Build(spec, paths, _options, hasHyperparameters, ownAccount: true, port: port);
        await File.WriteAllTextAsync(paths.EnvironmentFile, LocalEnvironment.AsShellScript(environment), cancellationToken);
        RunFolderAccess.GiveToRun(paths.EnvironmentFile, account);
        File.SetUnixFileMode(paths.EnvironmentFile, UnixFileMode.UserRead);

        var staging = _options.StagingRoot is { } root ? Path.GetFullPath(root) : null;
        foreach (var mount in spec.Mounts)
        {
            var source = Path.GetFullPath(mount.Source);
            if (staging is not null && source.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                // Every folder from runs/<id> down to the mount is the run's group's to pass (the
                // server makes them private); runs/ itself lets anyone pass, no one list.
                RunFolderAccess.MakeTraversable(staging);
                var folder = staging;
                foreach (var segment in Path.GetRelativePath(staging, Path.GetDirectoryName(source)!).Split(Path.DirectorySeparatorChar).Where(s => s != "."))
                {
                    folder = Path.Combine(folder, segment);
                    RunFolderAccess.RestrictToRun(folder, account);
                }

                if (mount.ReadOnly)
                    RunFolderAccess.ShareWithRun(source, account);
            }

            if (!mount.ReadOnly)
                RunFolderAccess.GiveToRun(source, account);
            PassToMountPath(paths.WorkDir, mount.MountPath, account);
        }
    }

    /// <summary>
    /// The folders <see cref="WorkFolders.Link"/> made above a nested mount path (<c>opt/dkube</c> for
    /// <c>opt/dkube/input</c>) were private under the server's umask: they get the working folder's
    /// rule, so the run adds its own entries there (DKube's steps link their output beside their
    /// input) but cannot replace the server's link. The walk stops at a link (another mount's content).
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void PassToMountPath(string workDir, string mountPath, RunAccount account)
    {
        var folder = workDir;
        foreach (var segment in Path.GetDirectoryName(mountPath.TrimStart('/'))?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            folder = Path.Combine(folder, segment);
            if (new DirectoryInfo(folder).LinkTarget is not null)
                return;
            RunFolderAccess.ShareAsWorkDir(folder, account);
        }
    }

    /// <summary>Once a run with its own account has ended, its writable folders are the server's again, before anyone reads them.</summary>
    private void TakeBack(LocalRunRecord record)
    {
        if (record.Uid is null || OperatingSystem.IsWindows())
            return;
        foreach (var folder in record.WritableMounts ?? [])
        {
            try
            {
                RunFolderAccess.TakeBack(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(e, "Could not take back folder {Folder} of local run {RunId}", folder, record.Id);
            }
        }
    }

    private static string? ResolveProgram(string program)
    {
        if (Path.IsPathFullyQualified(program))
            return File.Exists(program) ? program : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// A record without the wrapper's pid line or an exit code: the server that wrote it died
    /// before the process started (the wrapper writes its pid first thing, milliseconds after the
    /// start, while a submit of the same id again comes from another server seconds later), so a
    /// submit starts it rather than calling it lost.
    /// </summary>
    private static bool NeverStarted(LocalRunPaths paths) => !File.Exists(paths.PidFile) && !File.Exists(paths.ExitCodeFile);

    private async Task<LocalRun> StartAsync(ExecutionSpec spec, LocalRunPaths paths, CancellationToken cancellationToken)
    {
        RunAccount? account = _accounts is null || OperatingSystem.IsWindows() ? null : await _accounts.ForAsync(spec.User, cancellationToken);
        if (account is not null && spec.Environment.Keys.FirstOrDefault(n => !LocalEnvironment.IsShellName(n)) is { } odd)
            throw new ArgumentException($"Run '{spec.Id}' has an environment variable '{odd}' that is not a shell name (letters, digits, '_').", nameof(spec));

        if (account is not null && !OperatingSystem.IsWindows())
        {
            // Private until GrantAsync opens it: nobody (another run of the same account) may plant a
            // link under a name the wrapper opens with the server's privileges.
            Directory.CreateDirectory(paths.WorkDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.CreateDirectory(paths.ControlDir);
        Directory.CreateDirectory(paths.TensorBoardDir);
        await File.AppendAllTextAsync(paths.LogFile, string.Empty, cancellationToken);

        // Created empty so the path is usable (and followable) before the run's first metric.
        await File.AppendAllTextAsync(paths.MetricsFile, string.Empty, cancellationToken);
        var hasHyperparameters = spec.BackendOptions.TryGetValue(LocalSpecValidator.HyperparametersOption, out var hyperparameters);
        if (hasHyperparameters)
            await File.WriteAllTextAsync(paths.HyperparametersFile, hyperparameters, cancellationToken);
        foreach (var mount in spec.Mounts)
            WorkFolders.Link(paths.WorkDir, mount);
        if (spec.Image is not null)
            _logger.LogInformation("Local run {RunId} ignores image {Image}: local runs use the host's software", spec.Id, spec.Image);

        var writable = spec.Mounts.Where(m => !m.ReadOnly).Select(m => m.Source).ToList();
        // Each server gets a port of its own on loopback, where only this machine (the gateway) reaches
        // it: the one it names (a custom model server's port) or a free one.
        int? port = spec.ServesHttp ? HttpEndpoint.NamedPort(spec) ?? HttpEndpoint.FreeLoopbackPort() : null;
        var record = new LocalRunRecord(spec.Id, spec.Kind, spec.User, spec.Group, _time.GetUtcNow(), spec.TimeLimit, account?.Uid, writable, port,
            [.. spec.Placement.SelectMany(w => w.GpuIndices)]);
        if (account is { } owner && !OperatingSystem.IsWindows())
            await GrantAsync(spec, paths, owner, hasHyperparameters, port, cancellationToken);
        await LocalRunFiles.WriteRecordAsync(paths, record, cancellationToken);

        var argv = WrapperArguments(spec.Command, account);

        var environment = LocalEnvironment.Build(spec, paths, _options, hasHyperparameters, account is not null, withSpec: account is null, port: port);
        LocalRun run;
        try
        {
            run = Launcher() is { } launcher
                ? await LaunchAsync(launcher, spec.Id, paths, record, argv, environment)
                : StartChild(spec.Id, paths, record, argv, environment);
        }
        catch
        {
            // Without the record a retried submit starts the run instead of calling it lost.
            File.Delete(paths.RecordFile);
            throw;
        }

        // Debug, as the end below: the workload's own status and events record both, and at a
        // thousand short runs a second two console lines each are a cost of their own.
        _logger.LogDebug("Started local run {RunId} as pid {Pid} in {WorkDir}", spec.Id, run.Pid, paths.WorkDir);
        return run;
    }

    /// <summary>
    /// What starts a run, as the session leader that records it. No redirection through the server:
    /// the wrapper writes to the log itself, so the run does not depend on pipes that die with the server.
    /// With the compiled helper: <c>dkube-runwrap [--uid --gid] -- shell -c command</c>, two execs
    /// (helper, shell); with the shell wrapper: the wrapper, then setpriv for an own account, then the
    /// shell, three execs.
    /// </summary>
    private List<string> WrapperArguments(string command, RunAccount? account)
    {
        // The command's own shell reads its environment from a file only its account can read, then
        // runs the command itself (eval, with no positional parameters left, as `sh -c` would): one
        // exec fewer than a second shell. Everything before it (launcher or setsid, wrapper, setpriv)
        // sees the server's variables only.
        List<string> shell = account is null
            ? [_shell, "-c", command]
            : [_shell, "-c", $". \"$DKUBE_WORK_DIR/{LocalRunPaths.ControlFolderName}/{LocalRunPaths.EnvironmentFileName}\" && dkube_command=$2 && shift 2 && eval \"$dkube_command\"", _shell, "-c", command];
        if (_runWrapper is not null)
        {
            List<string> helper = [_runWrapper];
            if (account is { } runAs)
                helper.AddRange([$"--uid={runAs.Uid}", $"--gid={runAs.Gid}"]);
            helper.Add("--");
            helper.AddRange(shell);
            return helper;
        }

        // The wrapper runs "$@" "$DKUBE_SHELL" -c "$command": its arguments after the command are
        // what prefixes the shell (setpriv for an own account), and the shell comes from DKUBE_SHELL.
        List<string> argv = [_shell, "-c", LocalWrapperScript.Text, "dkube-run", command];
        if (account is { } owner)
            argv.AddRange([_setpriv!, $"--reuid={owner.Uid}", $"--regid={owner.Gid}", "--clear-groups", "--no-new-privs", "--", .. shell.Take(3)]);
        return argv;
    }

    /// <summary>The running launcher, started on first use and again after it died; null when there is no interpreter for it.</summary>
    private LocalLauncher? Launcher()
    {
        if (_launcherInterpreter is null)
            return null;
        lock (_launcherLock)
        {
            if (_launcher is null || _launcher.Gone.IsCompleted)
                _launcher = LocalLauncher.Start(_launcherInterpreter, _logger);
            return _launcher;
        }
    }

    private static async Task<LocalRun> LaunchAsync(LocalLauncher launcher, string id, LocalRunPaths paths, LocalRunRecord record, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment)
    {
        var (identity, exited) = await launcher.StartAsync(argv, environment, paths.WorkDir);
        return LocalRun.Launched(id, paths, record, identity, exited, launcher.Gone);
    }

    /// <summary>
    /// Without a launcher: the server forks the run itself, through setsid for its own session (the
    /// compiled helper calls setsid itself).
    /// </summary>
    private LocalRun StartChild(string id, LocalRunPaths paths, LocalRunRecord record, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment)
    {
        var direct = _runWrapper is not null;
        var start = new ProcessStartInfo(direct ? argv[0] : _options.SetsidPath)
        {
            UseShellExecute = false,
            WorkingDirectory = paths.WorkDir,
        };
        foreach (var argument in direct ? argv.Skip(1) : argv)
            start.ArgumentList.Add(argument);
        ChildEnvironment.Replace(start.Environment, environment);
        var child = Process.Start(start) ?? throw new InvalidOperationException($"The process of local run '{id}' did not start.");
        return LocalRun.Started(id, paths, record, child);
    }

    private async Task<ExecutionStatus> ReconcileOneAsync(string id, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_runs.TryGetValue(id, out var known))
            return known.Final ?? new ExecutionStatus(id, ExecutionState.Running, now, BackendId: known.BackendId, Endpoint: known.Record.Endpoint);

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
            return new ExecutionStatus(id, ExecutionState.Running, now, BackendId: backendId, Endpoint: record.Endpoint);
        }

        TakeBack(record);
        return await LocalOutcome.ReadAsync(id, paths, backendId, sawItEnd: false, now, cancellationToken);
    }

    private async Task WatchAsync(LocalRun run)
    {
        var token = _stopping;
        try
        {
            await WaitWithinTimeLimitAsync(run, token);
            TakeBack(run.Record);
            var status = await LocalOutcome.ReadAsync(run.Id, run.Paths, run.BackendId, sawItEnd: true, _time.GetUtcNow(), token);
            run.Finish(status);
            _logger.LogDebug("Local run {RunId} ended: {State} (exit code {ExitCode})", run.Id, status.State, status.ExitCode);
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
