namespace DKube.Executors.Local;

/// <summary>
/// Mutual exclusion per id without a lock object per id: ids hash onto a fixed set of gates, so
/// two operations on one id take turns while operations on other ids (almost always on another
/// gate) go on in parallel.
/// </summary>
internal sealed class IdGates
{
    private const int Count = 64;
    private readonly SemaphoreSlim[] _gates = Enumerable.Range(0, Count).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<Held> EnterAsync(string id, CancellationToken cancellationToken)
    {
        var gate = _gates[(uint)StringComparer.Ordinal.GetHashCode(id) % Count];
        await gate.WaitAsync(cancellationToken);
        return new Held(gate);
    }

    /// <summary>Waits until every operation that holds a gate now has left it.</summary>
    public async Task DrainAsync()
    {
        foreach (var gate in _gates)
        {
            await gate.WaitAsync(CancellationToken.None);
            gate.Release();
        }
    }

    public readonly struct Held(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
