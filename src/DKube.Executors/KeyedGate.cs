namespace DKube.Executors;

/// <summary>
/// One async lock per key, made on first use and dropped when nobody holds or awaits it, so
/// callers with different keys never wait for each other and the set does not grow with every key.
/// </summary>
internal sealed class KeyedGate
{
    private readonly Dictionary<string, Gate> gates = new(StringComparer.Ordinal);

    /// <summary>Waits until <paramref name="key"/> is free; disposing the result frees it.</summary>
    public async Task<IDisposable> EnterAsync(string key, CancellationToken cancellationToken)
    {
        Gate gate;
        lock (gates)
        {
            if (!gates.TryGetValue(key, out gate!))
            {
                gates[key] = gate = new Gate(this, key);
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(gate);
            throw;
        }

        return gate;
    }

    private void Leave(Gate gate)
    {
        lock (gates)
        {
            // Counted under the dictionary's lock, so a new user cannot pick up a gate being dropped.
            if (--gate.Users == 0)
            {
                gates.Remove(gate.Key);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class Gate(KeyedGate owner, string key) : IDisposable
    {
        public string Key { get; } = key;

        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Holders and waiters; guarded by the owner's dictionary.</summary>
        public int Users { get; set; }

        public void Dispose()
        {
            Semaphore.Release();
            owner.Leave(this);
        }
    }
}
