using System.Collections.Concurrent;
using DKube.Abstractions.Common;
using DKube.Abstractions.Tenancy;

namespace DKube.Api.Auth;

/// <summary>
/// Bearer tokens resolved in memory, so a request costs no database round trip. An entry is
/// dropped (all are) when users or memberships change: at once in the process that made the
/// change (<see cref="AuthEndpointExtensions.InvalidatesCallers{TBuilder}"/>), and in every other
/// API process when PostgreSQL announces the commit (the server wires its listener to
/// <see cref="Invalidate"/>). Should that announcement be lost (the listening connection is down),
/// an entry still lives at most <see cref="Ttl"/>: the bound on how long a rotated token or a
/// removed membership may still be honoured by another process. Unknown tokens are not cached.
/// </summary>
public sealed class CallerCache(TimeProvider time, TimeSpan ttl)
{
    private readonly ConcurrentDictionary<string, (Caller Caller, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);
    private long _generation;

    public TimeSpan Ttl { get; } = ttl;

    /// <summary>The caller of <paramref name="tokenHash"/>, from memory or (then kept) from <paramref name="directory"/>.</summary>
    public async Task<Caller?> FindAsync(byte[] tokenHash, IResourceDirectory directory, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexString(tokenHash);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var hit) && hit.Until > now)
        {
            return hit.Caller;
        }

        // A change announced while the look-up runs must not be undone by storing what it read.
        var generation = Interlocked.Read(ref _generation);
        var caller = await directory.FindCallerAsync(tokenHash, cancellationToken);
        if (caller is not null && Ttl > TimeSpan.Zero)
        {
            _entries[key] = (caller, now + Ttl);
            if (Interlocked.Read(ref _generation) != generation)
            {
                _entries.TryRemove(key, out _);
            }
        }

        return caller;
    }

    /// <summary>Forgets every cached caller (users, roles or memberships changed somewhere).</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }
}
