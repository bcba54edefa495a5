using DKube.Scheduling;

namespace DKube.Api.Limits;

/// <summary>
/// At most <see cref="Concurrency"/> requests of tenants in their handlers at once in one lane of this
/// process, and no tenant more than its max-min fair share of them (<see cref="FairShare"/>): a tenant
/// alone may hold all but <see cref="Reserve"/> slots; once another tenant asks, the first tenant's
/// share shrinks to the water level and every slot it frees goes to the tenants below their share
/// until they have it. So a tenant whose requests are slow (a flood of submissions whose grain calls
/// and database writes queue up) never holds the slots another tenant's requests need, and a tenant
/// who arrives finds a reserved slot at once. Requests beyond a tenant's share wait in one queue per
/// tenant; a freed slot goes to the waiting tenants below their share in turn (round robin), not to
/// the oldest request overall. A tenant with <see cref="QueueLimit"/> requests waiting is refused
/// (429) rather than queued further. Framework limiters partition by key but keep one FIFO per
/// partition with a shared permit count, which gives neither this cross-tenant order nor shares.
/// <para>
/// Admission is O(1) amortized: the water level is kept with what it rests on (<see cref="WaterLevel"/>)
/// and computed again only when a change can move it (a tenant arrives or leaves, or a demand below the
/// level changes), not on every request of a flood whose demand stays above it; and by water filling
/// only while the tenants want more slots than there are (else every demand fits, and the level is all).
/// </para>
/// </summary>
public sealed class FairRequestQueue(int concurrency, int queueLimit, int reserve)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Tenant> _tenants = new(StringComparer.Ordinal);
    // Tenants with requests waiting, in the order of their turns.
    private readonly LinkedList<Tenant> _turns = new();
    // Reused to compute the level again, so that a computation allocates nothing per tenant.
    private readonly List<int> _demands = [];
    private int _free = concurrency;
    private WaterLevel _water;
    private bool _stale = true;
    // What all tenants hold and wait for: while it fits the slots, the level is all of them (no water filling).
    private int _demand;
    private long _computations;

    public FairRequestQueue(int concurrency, int queueLimit)
        : this(concurrency, queueLimit, FairShare.DefaultReserve(concurrency))
    {
    }

    public int Concurrency { get; } = concurrency;

    public int QueueLimit { get; } = queueLimit;

    /// <summary>Slots no single tenant may take while it is the only one asking.</summary>
    public int Reserve { get; } = reserve;

    /// <summary>How often the water level was computed by water filling (for tests and benchmarks: against the requests, what admission costs).</summary>
    public long ShareComputations
    {
        get
        {
            lock (_lock)
            {
                return _computations;
            }
        }
    }

    /// <summary>How many requests of <paramref name="tenant"/> wait for a slot now.</summary>
    public int Waiting(string tenant)
    {
        lock (_lock)
        {
            return _tenants.TryGetValue(tenant, out var t) ? t.Queue.Count : 0;
        }
    }

    /// <summary>How many slots <paramref name="tenant"/>'s requests hold now.</summary>
    public int Held(string tenant)
    {
        lock (_lock)
        {
            return _tenants.TryGetValue(tenant, out var t) ? t.Held : 0;
        }
    }

    /// <summary>The most slots one tenant may hold now, given what every tenant holds and waits for.</summary>
    public int Share()
    {
        lock (_lock)
        {
            return ShareNow();
        }
    }

    /// <summary>A slot (dispose it to give it back), or null when <paramref name="tenant"/>'s queue is full.</summary>
    public async ValueTask<IDisposable?> EnterAsync(string tenant, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (!_tenants.TryGetValue(tenant, out var t))
            {
                t = new Tenant(tenant);
                _tenants[tenant] = t;
            }

            waiter = new Waiter(t);
            Demanded(t, +1);
            waiter.Node = t.Queue.AddLast(waiter);
            if (t.Queue.Count == 1)
            {
                t.Turn = _turns.AddLast(t);
            }

            Dispatch();
            if (!waiter.Granted.Task.IsCompleted && t.Queue.Count > QueueLimit)
            {
                Withdraw(waiter);
                // The share was reckoned with this request counted: without it, others' may be larger.
                Dispatch();
                return null;
            }
        }

        if (!waiter.Granted.Task.IsCompleted)
        {
            await using (cancellationToken.Register(() => Abandon(waiter)))
            {
                await waiter.Granted.Task;
            }
        }

        return new Slot(this, waiter.Tenant);
    }

    /// <summary>A caller that gave up while waiting leaves its queue; if its slot was granted meanwhile, the slot is the caller's to give back.</summary>
    private void Abandon(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node is not null)
            {
                Withdraw(waiter);
                waiter.Granted.TrySetCanceled();
                // Its tenant now asks for less: the others' shares may have grown.
                Dispatch();
            }
        }
    }

    private void Withdraw(Waiter waiter)
    {
        var tenant = waiter.Tenant;
        Demanded(tenant, -1);
        tenant.Queue.Remove(waiter.Node!);
        waiter.Node = null;
        if (tenant.Queue.Count == 0 && tenant.Turn is { } turn)
        {
            _turns.Remove(turn);
            tenant.Turn = null;
        }

        Forget(tenant);
    }

    private void Release(Tenant tenant)
    {
        lock (_lock)
        {
            Demanded(tenant, -1);
            tenant.Held--;
            _free++;
            Forget(tenant);
            Dispatch();
        }
    }

    /// <summary>
    /// Grants free slots to waiting requests: to the first tenant in turn order that holds less than
    /// the share, which then goes to the back of the turns. A tenant at its share keeps its place and
    /// waits until it holds less (its own requests end) or the share grows (another tenant asks for less).
    /// </summary>
    private void Dispatch()
    {
        if (_free == 0 || _turns.Count == 0)
        {
            return;
        }

        // A grant moves a request from waiting to held: the demands, and so the share, stay as they are.
        var share = ShareNow();
        while (_free > 0)
        {
            var turn = _turns.First;
            while (turn is not null && turn.Value.Held >= share)
            {
                turn = turn.Next;
            }

            if (turn is null)
            {
                return;
            }

            var tenant = turn.Value;
            var waiter = tenant.Queue.First!.Value;
            tenant.Queue.RemoveFirst();
            waiter.Node = null;
            tenant.Held++;
            _free--;
            _turns.Remove(turn);
            if (tenant.Queue.Count > 0)
            {
                _turns.AddLast(turn);
            }
            else
            {
                tenant.Turn = null;
            }

            // Completes off the lock's thread (RunContinuationsAsynchronously): the slot is the waiter's now.
            waiter.Granted.TrySetResult();
        }
    }

    private int ShareNow()
    {
        if (_stale && _demand <= Concurrency)
        {
            // Every demand fits (what FairShare.Water finds too, without sorting the tenants): the
            // common case of a lane that is not overloaded costs nothing per request.
            _water = new WaterLevel(Concurrency, Concurrency - _demand, 0);
            _stale = false;
        }
        else if (_stale)
        {
            _demands.Clear();
            foreach (var tenant in _tenants.Values)
            {
                _demands.Add(tenant.Demand);
            }

            _water = FairShare.Water(Concurrency, _demands);
            _stale = false;
            _computations++;
        }

        return FairShare.Cap(Concurrency, Reserve, _water);
    }

    /// <summary>Called before <paramref name="tenant"/>'s demand changes by <paramref name="change"/>: whether the level must be computed again.</summary>
    private void Demanded(Tenant tenant, int change)
    {
        _demand += change;
        if (!_stale && !_water.Holds(tenant.Demand, tenant.Demand + change))
        {
            _stale = true;
        }
    }

    private void Forget(Tenant tenant)
    {
        if (tenant.Held == 0 && tenant.Queue.Count == 0)
        {
            _tenants.Remove(tenant.Name);
        }
    }

    private sealed class Tenant(string name)
    {
        public string Name { get; } = name;

        public int Held { get; set; }

        public LinkedList<Waiter> Queue { get; } = new();

        /// <summary>What the tenant wants: the slots it holds and the requests it has waiting (a grant moves one from the second to the first).</summary>
        public int Demand => Held + Queue.Count;

        public LinkedListNode<Tenant>? Turn { get; set; }
    }

    private sealed class Waiter(Tenant tenant)
    {
        public Tenant Tenant { get; } = tenant;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }

    private sealed class Slot(FairRequestQueue owner, Tenant tenant) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(tenant);
            }
        }
    }
}
