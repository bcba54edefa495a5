using DKube.Executors.Local;
using Microsoft.Extensions.Logging.Abstractions;

namespace DKube.Executors.Tests.Local;

/// <summary>
/// A fresh root folder per test, executors over it, and a cleanup that kills whatever a test left
/// running (runs outlive their executor by design, so disposing the executor is not enough).
/// </summary>
/// <param name="shellWrapper">
/// Start runs through the shell wrapper (the fallback without the compiled helper) instead of
/// <c>dkube-runwrap</c>, which the build puts beside the test assembly and which must then be there.
/// </param>
internal sealed class LocalHarness(bool shellWrapper = false) : IAsyncDisposable
{
    private readonly List<LocalExecutor> _executors = [];

    public bool ShellWrapper => shellWrapper;

    public string Root { get; } = Directory.CreateTempSubdirectory("dkube-local-").FullName;

    public RecordingSink Sink { get; } = new();

    /// <summary>Where tests stage run inputs, like the server's <c>runs/</c> beside <c>work/</c>.</summary>
    public string StagingRoot => Path.Combine(Root, ".staging");

    /// <param name="runUidBase">Runs execute as their users' own accounts from this uid on (needs root, as CI runs).</param>
    /// <param name="launcherPath">The launcher's interpreter; null keeps the executor's default (<c>/usr/bin/python3</c>).</param>
    public LocalExecutor NewExecutor(RecordingSink? sink = null, int? runUidBase = null, string? launcherPath = null)
    {
        var options = new LocalExecutorOptions
        {
            RootPath = Root,
            RunUidBase = runUidBase,
            StagingRoot = StagingRoot,
            AdoptedPollInterval = TimeSpan.FromMilliseconds(100),
            LogPollInterval = TimeSpan.FromMilliseconds(50),
            TimeLimitGrace = TimeSpan.FromSeconds(5),
        };
        if (launcherPath is not null)
            options.LauncherPath = launcherPath;
        if (shellWrapper)
            options.RunWrapperPath = null;
        else
            Assert.True(File.Exists(options.RunWrapperPath), $"the compiled run helper is built beside the tests (gcc): {options.RunWrapperPath}");
        var executor = new LocalExecutor(options, sink ?? Sink, TimeProvider.System, NullLogger<LocalExecutor>.Instance);
        _executors.Add(executor);
        return executor;
    }

    public string WorkDir(string id) => Path.Combine(Root, id);

    public string FileOf(string id, string name) => Path.Combine(WorkDir(id), name);

    public static ExecutionSpec Spec(
        string command,
        string? id = null,
        WorkloadKind kind = WorkloadKind.Run,
        IReadOnlyDictionary<string, string>? environment = null,
        IReadOnlyList<AssignedWorker>? placement = null,
        IReadOnlyList<VolumeMount>? mounts = null,
        IReadOnlyDictionary<string, string>? backendOptions = null,
        TimeSpan? timeLimit = null,
        int workers = 0,
        string user = "alice") =>
        new(
            id ?? $"run-{Guid.NewGuid():N}",
            kind,
            user,
            "vision",
            null,
            command,
            environment ?? new Dictionary<string, string>(),
            1,
            workers,
            placement ?? [],
            1,
            1,
            [],
            mounts ?? [],
            timeLimit,
            backendOptions ?? new Dictionary<string, string>());

    public static bool IsAlive(int pid) => ProcFs.ReadStat(pid) is { IsRunning: true };

    public async ValueTask DisposeAsync()
    {
        foreach (var executor in _executors)
            await executor.DisposeAsync();

        foreach (var pidFile in Directory.EnumerateFiles(Root, "pid", SearchOption.AllDirectories))
        {
            var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            if (ProcFs.GroupHasLiveMembers(pid))
                PosixSignals.SignalGroup(pid, PosixSignals.SigKill);
        }

        Directory.Delete(Root, recursive: true);
    }
}
