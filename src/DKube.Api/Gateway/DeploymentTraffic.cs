using DKube.Abstractions.Serving;

namespace DKube.Api.Gateway;

/// <summary>
/// The gateway's routing table of one deployment and its live traffic: the ready replicas with
/// the requests each has in flight, and the requests waiting for a free one (bounded). A request
/// goes to the least-loaded replica below <c>maxConcurrentRequests</c>; otherwise it waits, and
/// when the wait list is full it is refused (503). It also integrates the concurrency (in flight
/// plus waiting) over time, which the gateway reports to the deployment's autoscaler.
/// </summary>
public sealed class DeploymentTraffic(string id, int queueDepth, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly LinkedList<TaskCompletionSource<ReplicaSlot?>> _waiting = new();
    private List<ReplicaSlot> _replicas = [];
    private double _integral;
    private long _lastChange = time.GetTimestamp();
    private long _lastReport = time.GetTimestamp();
    private double _lastAverage;
    private int _load;

    public string Id => id;

    /// <summary>The routes as the deployment last told them; null until the first answer.</summary>
    public DeploymentRoutes? Routes { get; private set; }

    /// <summary>When a request last came (an entry idle for long is dropped).</summary>
    public long LastUsed { get; private set; } = time.GetTimestamp();

    /// <summary>Requests in flight plus waiting, now.</summary>
    public int Load
    {
        get
        {
            lock (_gate)
            {
                return _load;
            }
        }
    }

    /// <summary>Takes new routes: replicas that stay keep their in-flight counts; waiting requests get the new capacity.</summary>
    public void Apply(DeploymentRoutes routes)
    {
        lock (_gate)
        {
            var known = _replicas.ToDictionary(r => r.ReplicaId, StringComparer.Ordinal);
            _replicas = routes.Targets.Select(t => known.TryGetValue(t.ReplicaId, out var kept) && kept.Url == t.Url ? kept : new ReplicaSlot(t.ReplicaId, t.Url)).ToList();
            Routes = routes;
            DispatchLocked();
        }
    }

    /// <summary>Forgets a replica that refused a connection, until the deployment says otherwise.</summary>
    public void Unreachable(ReplicaSlot replica)
    {
        lock (_gate)
        {
            _replicas = _replicas.Where(r => r != replica).ToList();
        }
    }

    /// <summary>A replica slot for one request (release it with <see cref="Release"/>), or null when the wait list is full or the wait timed out.</summary>
    public async Task<ReplicaSlot?> AcquireAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        TaskCompletionSource<ReplicaSlot?> waiter;
        LinkedListNode<TaskCompletionSource<ReplicaSlot?>> node;
        lock (_gate)
        {
            LastUsed = time.GetTimestamp();
            if (_waiting.Count == 0 && FreeLocked() is { } free)
            {
                free.InFlight++;
                ChangeLoadLocked(+1);
                return free;
            }

            if (_waiting.Count >= queueDepth)
            {
                return null;
            }

            waiter = new TaskCompletionSource<ReplicaSlot?>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast(waiter);
            ChangeLoadLocked(+1);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        await using (timeout.Token.Register(() => waiter.TrySetResult(null)))
        {
            var slot = await waiter.Task;
            if (slot is null)
            {
                lock (_gate)
                {
                    if (node.List is not null)
                    {
                        _waiting.Remove(node);
                    }

                    ChangeLoadLocked(-1);
                }
            }

            return slot;
        }
    }

    public void Release(ReplicaSlot replica)
    {
        lock (_gate)
        {
            replica.InFlight--;
            ChangeLoadLocked(-1);
            DispatchLocked();
        }
    }

    /// <summary>Whether a request now would have to wait with no replica at all (scaled to zero or starting).</summary>
    public bool HasNoReplica
    {
        get
        {
            lock (_gate)
            {
                return _replicas.Count == 0;
            }
        }
    }

    /// <summary>
    /// The average concurrency since the last call (time-weighted), for the autoscaler; null when it
    /// and the one before were both 0 (an idle deployment is not reported on, but the first 0 after
    /// traffic is, so that the autoscaler sees the drop at once rather than when the last report ages out).
    /// </summary>
    public double? TakeAverageConcurrency()
    {
        lock (_gate)
        {
            var now = time.GetTimestamp();
            AccumulateLocked(now);
            var elapsed = time.GetElapsedTime(_lastReport, now).TotalSeconds;
            var average = elapsed > 0 ? _integral / elapsed : _load;
            var previous = _lastAverage;
            (_integral, _lastReport, _lastAverage) = (0, now, average);
            return average > 0 || previous > 0 ? average : null;
        }
    }

    private ReplicaSlot? FreeLocked()
    {
        var limit = Math.Max(1, Routes?.MaxConcurrentRequests ?? 1);
        ReplicaSlot? best = null;
        foreach (var replica in _replicas)
        {
            if (replica.InFlight < limit && (best is null || replica.InFlight < best.InFlight))
            {
                best = replica;
            }
        }

        return best;
    }

    /// <summary>Hands free capacity to the longest-waiting requests (their load was counted when they started waiting).</summary>
    private void DispatchLocked()
    {
        while (_waiting.First is { } first && FreeLocked() is { } free)
        {
            _waiting.RemoveFirst();
            free.InFlight++;
            if (!first.Value.TrySetResult(free))
            {
                // Timed out meanwhile: it counts itself out.
                free.InFlight--;
            }
        }
    }

    private void ChangeLoadLocked(int delta)
    {
        AccumulateLocked(time.GetTimestamp());
        _load += delta;
    }

    private void AccumulateLocked(long now)
    {
        _integral += _load * time.GetElapsedTime(_lastChange, now).TotalSeconds;
        _lastChange = now;
    }
}
