using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace DKube.Executors.Kubernetes;

/// <summary>
/// The list-then-watch loop of one kind of object (what client-go calls a reflector). It lists
/// once, then watches from the list's resourceVersion; when a watch ends (the server's timeout,
/// a dropped connection) it watches again from the last resourceVersion it saw, so no event is
/// lost; only when the API server says that version is gone (410, compaction) does it list again.
/// </summary>
internal sealed class KubernetesResourceWatch<T, TList>
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>
{
    private readonly string what;
    private readonly Func<CancellationToken, Task<TList>> list;
    private readonly Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch;
    private readonly Func<IReadOnlyList<T>, CancellationToken, Task> onList;
    private readonly Func<WatchEventType, T, CancellationToken, Task> onEvent;
    private readonly KubernetesOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;

    /// <param name="list">Lists the objects (the list carries the resourceVersion to watch from).</param>
    /// <param name="watch">Watches from a resourceVersion; errors inside the stream go to the callback.</param>
    /// <param name="onList">Receives the whole list (the truth at that version: what is missing is gone).</param>
    /// <param name="onEvent">Receives each ADDED, MODIFIED and DELETED event, in order.</param>
    public KubernetesResourceWatch(
        string what,
        Func<CancellationToken, Task<TList>> list,
        Func<string, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<IReadOnlyList<T>, CancellationToken, Task> onList,
        Func<WatchEventType, T, CancellationToken, Task> onEvent,
        KubernetesOptions options,
        TimeProvider time,
        ILogger logger)
    {
        this.what = what;
        this.list = list;
        this.watch = watch;
        this.onList = onList;
        this.onEvent = onEvent;
        this.options = options;
        this.time = time;
        this.logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? version = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (version is null)
                {
                    var listed = await list(cancellationToken);
                    await onList([.. listed.Items], cancellationToken);
                    version = listed.Metadata?.ResourceVersion ?? "";
                    logger.LogDebug("Listed {Count} {What} at resourceVersion {Version}", listed.Items.Count, what, version);
                }

                var expired = false;
                var events = 0;
                void OnError(Exception e)
                {
                    if (KubernetesErrors.IsGone(e))
                    {
                        expired = true;
                    }
                    else
                    {
                        logger.LogWarning(e, "Error event while watching {What}", what);
                    }
                }

                await foreach (var (type, item) in watch(version, OnError, cancellationToken))
                {
                    events++;
                    if (type != WatchEventType.Bookmark && type != WatchEventType.Error)
                    {
                        await onEvent(type, item, cancellationToken);
                    }

                    // Only after the event was handled: a crash in between replays it, never skips it.
                    version = item.Metadata?.ResourceVersion ?? version;
                }

                if (expired)
                {
                    logger.LogInformation("Watch of {What} expired at resourceVersion {Version}; listing again", what, version);
                    version = null;
                }
                else if (events == 0)
                {
                    // A server that ends watches at once must not make this a busy loop.
                    await Task.Delay(options.WatchRetryDelay, time, cancellationToken);
                }
            }
            catch (Exception e) when (KubernetesErrors.IsGone(e))
            {
                logger.LogInformation("resourceVersion {Version} of {What} is gone; listing again", version, what);
                version = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // API server unreachable or restarting: try again from where we were.
                logger.LogWarning(e, "Watching {What} failed; retrying from resourceVersion {Version}", what, version);
                await Task.Delay(options.WatchRetryDelay, time, cancellationToken);
            }
        }
    }
}
