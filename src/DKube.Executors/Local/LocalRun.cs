using System.Diagnostics;
using System.Globalization;

namespace DKube.Executors.Local;

/// <summary>
/// One run this executor watches: started here by the launcher (its end reported by the launcher,
/// or seen by polling /proc if the launcher dies first), started here as the server's own child
/// (exit observed through the runtime's child-exit notification), or adopted after a restart (no
/// longer our child, so its end is seen by polling /proc).
/// </summary>
internal sealed class LocalRun : IDisposable
{
    private readonly Process? _child;
    private readonly ProcessIdentity? _identity;
    private readonly Task? _exited;
    private readonly Task? _launcherGone;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _announced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ExecutionStatus? _final;

    private LocalRun(string id, LocalRunPaths paths, LocalRunRecord record, int pid, Process? child, ProcessIdentity? identity, Task? exited = null, Task? launcherGone = null)
    {
        _exited = exited;
        _launcherGone = launcherGone;
        Id = id;
        Paths = paths;
        Record = record;
        Pid = pid;
        _child = child;
        _identity = identity;
    }

    public string Id { get; }

    public LocalRunPaths Paths { get; }

    public LocalRunRecord Record { get; }

    /// <summary>The wrapper's pid, which is also its session and process group id (setsid).</summary>
    public int Pid { get; }

    public string BackendId => Pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Completes when the process has been seen to end.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Completes once Running has been reported, so the final status is never pushed before it.</summary>
    public Task Announced => _announced.Task;

    public ExecutionStatus? Final => Volatile.Read(ref _final);

    /// <summary>The task watching the run until it ends or the executor is disposed.</summary>
    public Task? Watcher { get; set; }

    /// <summary>
    /// Whether the process still runs. Our own child cannot be mistaken for another process: its
    /// pid is not reused before the runtime reaps it, which is what sets HasExited.
    /// </summary>
    public bool IsAlive => _child is { } child ? !child.HasExited
        : _exited is { } exited ? !exited.IsCompleted && (!_launcherGone!.IsCompleted || ProcFs.IsAlive(_identity!.Value))
        : ProcFs.IsAlive(_identity!.Value);

    public static LocalRun Started(string id, LocalRunPaths paths, LocalRunRecord record, Process child) =>
        new(id, paths, record, child.Id, child, null);

    /// <param name="exited">Completes when the launcher saw the process end; never, if the launcher is <paramref name="launcherGone"/> first.</param>
    public static LocalRun Launched(string id, LocalRunPaths paths, LocalRunRecord record, ProcessIdentity identity, Task exited, Task launcherGone) =>
        new(id, paths, record, identity.Pid, null, identity, exited, launcherGone);

    public static LocalRun Adopted(string id, LocalRunPaths paths, LocalRunRecord record, ProcessIdentity identity)
    {
        var run = new LocalRun(id, paths, record, identity.Pid, null, identity);
        run.MarkAnnounced();
        return run;
    }

    public void MarkAnnounced() => _announced.TrySetResult();

    public async Task WaitForExitAsync(TimeProvider time, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        if (_child is not null)
        {
            await _child.WaitForExitAsync(cancellationToken);
        }
        else
        {
            // A launched run's end is reported by its launcher; /proc is polled only once that has gone.
            if (_exited is not null)
                await Task.WhenAny(_exited, _launcherGone!).WaitAsync(cancellationToken);
            while (IsAlive)
                await Task.Delay(pollInterval, time, cancellationToken);
        }

        _ended.TrySetResult();
    }

    public void Finish(ExecutionStatus status) => Volatile.Write(ref _final, status);

    public void Dispose() => _child?.Dispose();
}
