namespace DKube.Api.Limits;

/// <summary>
/// At most <see cref="Concurrency"/> requests of tenants in their handlers at once in this process;
/// the others wait in one queue per tenant, and a freed slot goes to the tenants in turn (round
/// robin over the tenants that wait), not to the oldest request overall. So a tenant that floods
/// waits behind its own backlog: another tenant's request waits at most one turn of each waiting
/// tenant, whatever the flood's size. A tenant with <see cref="QueueLimit"/> requests waiting is
/// refused (429) rather than queued further. Framework limiters partition by key but keep one FIFO
/// per partition with a shared permit count, which does not give this cross-tenant order.
/// </summary>
public sealed class FairRequestQueue(int concurrency, int queueLimit)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, LinkedList<Waiter>> _waiting = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _turns = new();
    private int _free = concurrency;

    public int Concurrency { get; } = concurrency;

    public int QueueLimit { get; } = queueLimit;

    /// <summary>How many requests of <paramref name="tenant"/> wait for a slot now.</summary>
    public int Waiting(string tenant)
    {
        lock (_lock)
        {
            return _waiting.TryGetValue(tenant, out var queue) ? queue.Count : 0;
        }
    }

    /// <summary>A slot (dispose it to give it back), or null when <paramref name="tenant"/>'s queue is full.</summary>
    public async ValueTask<IDisposable?> EnterAsync(string tenant, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (_free > 0 && _turns.Count == 0)
            {
                _free--;
                return new Slot(this);
            }

            if (!_waiting.TryGetValue(tenant, out var queue))
            {
                queue = new LinkedList<Waiter>();
                _waiting[tenant] = queue;
            }

            if (queue.Count >= QueueLimit)
            {
                return null;
            }

            waiter = new Waiter(tenant);
            waiter.Node = queue.AddLast(waiter);
            if (queue.Count == 1)
            {
                _turns.AddLast(tenant);
            }
        }

        await using (cancellationToken.Register(() => Abandon(waiter)))
        {
            await waiter.Granted.Task;
        }

        return new Slot(this);
    }

    /// <summary>A caller that gave up while waiting leaves its queue; if its slot was granted meanwhile, the slot passes on.</summary>
    private void Abandon(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is { } queue)
            {
                queue.Remove(waiter.Node);
                if (queue.Count == 0)
                {
                    _waiting.Remove(waiter.Tenant);
                    _turns.Remove(waiter.Tenant);
                }

                waiter.Granted.TrySetCanceled();
            }
        }
    }

    private void Release()
    {
        lock (_lock)
        {
            if (_turns.First is not { } turn)
            {
                _free++;
                return;
            }

            // The tenant whose turn it is gets the slot and goes to the back of the turns.
            _turns.RemoveFirst();
            var queue = _waiting[turn.Value];
            var waiter = queue.First!.Value;
            queue.RemoveFirst();
            waiter.Node = null;
            if (queue.Count > 0)
            {
                _turns.AddLast(turn);
            }
            else
            {
                _waiting.Remove(turn.Value);
            }

            // Completes off the lock's thread (RunContinuationsAsynchronously): the slot is the waiter's now.
            waiter.Granted.TrySetResult();
        }
    }

    private sealed class Waiter(string tenant)
    {
        public string Tenant { get; } = tenant;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }

    private sealed class Slot(FairRequestQueue owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}
